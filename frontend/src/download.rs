//! Files the app hands the browser to save (CSV exports).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::ApiError;

/// Offers `text` as a file download; an error when the browser will not take it.
pub fn download(name: &str, text: &str) -> Result<(), ApiError> {
    offer(name, text).ok_or_else(|| ApiError::Unexpected("the browser refused the download".into()))
}

fn offer(name: &str, text: &str) -> Option<()> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let link = document()
        .create_element("a")
        .ok()?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .ok()?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // Some browsers read the file after the click returns: let go of it a little later.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(5),
    );
    Some(())
}
