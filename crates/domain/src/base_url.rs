//! The address people reach Mailroom at (`PUBLIC_BASE_URL`), which every mailed link starts with.

/// An `http://` or `https://` address with a host, kept without its trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicBaseUrl(String);

/// Not an address links can start with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an http:// or https:// address with a host")]
pub struct BaseUrlError(pub String);

impl PublicBaseUrl {
    pub fn parse(raw: &str) -> Result<Self, BaseUrlError> {
        let trimmed = raw.trim().trim_end_matches('/');
        let rest = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"));
        match rest {
            Some(host) if !host.is_empty() => Ok(Self(trimmed.to_owned())),
            _ => Err(BaseUrlError(raw.to_owned())),
        }
    }

    /// An absolute link to a path of the web app, e.g. `join("/confirm?token=…")`.
    pub fn join(&self, path: &str) -> String {
        format!("{}/{}", self.0, path.trim_start_matches('/'))
    }

    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_base_url_loses_its_trailing_slash_and_joins_paths() {
        let url = PublicBaseUrl::parse("https://mail.example.org/").expect("valid");
        assert_eq!(
            url.join("/confirm?token=abc"),
            "https://mail.example.org/confirm?token=abc"
        );
        assert!(url.is_https());
        assert!(PublicBaseUrl::parse("mail.example.org").is_err());
        assert!(PublicBaseUrl::parse("https://").is_err());
    }
}
