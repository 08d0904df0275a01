//! Webhooks: the events an endpoint may subscribe to, and what an endpoint's address may be.
//! Where the address leads (a private network?) is the server's to check: it needs DNS.

use serde::{Deserialize, Serialize};

/// What happened, as a receiver subscribes to it and reads it in a payload's `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)
)]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum EventType {
    /// Mail the server accepted (batched: up to 100 attempts a call).
    #[serde(rename = "attempt.succeeded")]
    AttemptSucceeded,
    /// Mail the server refused, or a try that failed for good (batched like the above).
    #[serde(rename = "attempt.failed")]
    AttemptFailed,
    #[serde(rename = "run.started")]
    RunStarted,
    #[serde(rename = "run.completed")]
    RunCompleted,
    #[serde(rename = "client.unsubscribed")]
    ClientUnsubscribed,
    #[serde(rename = "mailing.disabled")]
    MailingDisabled,
    #[serde(rename = "client.suppressed")]
    ClientSuppressed,
    #[serde(rename = "bounce.received")]
    BounceReceived,
    #[serde(rename = "complaint.received")]
    ComplaintReceived,
}

crate::text_enum!(EventType {
    AttemptSucceeded => "attempt.succeeded",
    AttemptFailed => "attempt.failed",
    RunStarted => "run.started",
    RunCompleted => "run.completed",
    ClientUnsubscribed => "client.unsubscribed",
    MailingDisabled => "mailing.disabled",
    ClientSuppressed => "client.suppressed",
    BounceReceived => "bounce.received",
    ComplaintReceived => "complaint.received",
});

/// The longest endpoint address.
pub const MAX_URL_LEN: usize = 2_000;
/// The longest description.
pub const MAX_DESCRIPTION_CHARS: usize = 200;

/// The events named, each once and in order; the names that are none, if any (all of them, so the
/// answer can name every one).
pub fn parse_events(names: &[String]) -> Result<Vec<EventType>, Vec<String>> {
    let mut events = Vec::new();
    let mut unknown = Vec::new();
    for name in names {
        match name.trim().parse::<EventType>() {
            Ok(event) => events.push(event),
            Err(_) => unknown.push(name.clone()),
        }
    }
    if !unknown.is_empty() {
        return Err(unknown);
    }
    events.sort_unstable();
    events.dedup();
    Ok(events)
}

/// Why an endpoint's address is refused before anyone looks it up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlError {
    NotHttp,
    NotHttps,
    NoHost,
    Credentials,
    Fragment,
    TooLong,
}

impl crate::catalogue::Explain for UrlError {
    fn said(&self) -> crate::catalogue::Said {
        use crate::catalogue::{Msg, Said};
        match self {
            UrlError::NotHttp => Said::new(Msg::UrlNotHttp),
            UrlError::NotHttps => Said::new(Msg::UrlNotHttps),
            UrlError::NoHost => Said::new(Msg::UrlNoHost),
            UrlError::Credentials => Said::new(Msg::UrlCredentials),
            UrlError::Fragment => Said::new(Msg::UrlFragment),
            UrlError::TooLong => Said::with(Msg::UrlTooLong, [MAX_URL_LEN]),
        }
    }
}

crate::explained!(UrlError);

/// An endpoint's address as sent, checked for its shape (by the `url` crate's WHATWG parser):
/// `http(s)://host[:port]/path?query`, no credentials, no fragment; with the parts a connection
/// needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointUrl {
    /// As the parser writes it back: host lower-cased (an international one in its `xn--`
    /// form), a path of at least `/`.
    pub url: String,
    pub https: bool,
    /// The host to look up, or the address itself (an IPv6 one without its brackets).
    pub host: String,
    pub port: u16,
}

impl EndpointUrl {
    pub fn parse(raw: &str, https_only: bool) -> Result<Self, UrlError> {
        let raw = raw.trim();
        if raw.len() > MAX_URL_LEN {
            return Err(UrlError::TooLong);
        }
        let url = url::Url::parse(raw).map_err(|e| match e {
            url::ParseError::EmptyHost => UrlError::NoHost,
            url::ParseError::InvalidPort => UrlError::NoHost,
            _ => UrlError::NotHttp,
        })?;
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            _ => return Err(UrlError::NotHttp),
        };
        if https_only && !https {
            return Err(UrlError::NotHttps);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(UrlError::Credentials);
        }
        if url.fragment().is_some() {
            return Err(UrlError::Fragment);
        }
        let host = match url.host() {
            Some(url::Host::Domain(domain)) if !domain.is_empty() => domain.to_owned(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            _ => return Err(UrlError::NoHost),
        };
        let port = url
            .port_or_known_default()
            .filter(|&p| p != 0)
            .ok_or(UrlError::NoHost)?;
        let written = url.to_string();
        if written.len() > MAX_URL_LEN {
            return Err(UrlError::TooLong);
        }
        Ok(Self {
            url: written,
            https,
            host,
            port,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_read_by_name_once_each_and_every_unknown_one_is_named() {
        let names = |n: &[&str]| n.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            parse_events(&names(&[
                "run.completed",
                "attempt.failed",
                "run.completed"
            ])),
            Ok(vec![EventType::AttemptFailed, EventType::RunCompleted])
        );
        assert_eq!(
            parse_events(&names(&["run.completed", "run.exploded", "webhook.test"])),
            Err(names(&["run.exploded", "webhook.test"]))
        );
    }

    #[test]
    fn an_endpoint_is_an_http_or_https_address_without_credentials() {
        let ok = EndpointUrl::parse("https://Hooks.Example.com/in?x=1", true).expect("fine");
        assert_eq!(ok.url, "https://hooks.example.com/in?x=1");
        assert_eq!(
            (ok.host.as_str(), ok.port, ok.https),
            ("hooks.example.com", 443, true)
        );
        let local = EndpointUrl::parse("http://127.0.0.1:8081", false).expect("fine");
        assert_eq!(local.url, "http://127.0.0.1:8081/");
        assert_eq!((local.host.as_str(), local.port), ("127.0.0.1", 8081));
        let v6 = EndpointUrl::parse("http://[::1]:9000/hook", false).expect("fine");
        assert_eq!((v6.host.as_str(), v6.port), ("::1", 9000));

        assert_eq!(
            EndpointUrl::parse("ftp://example.com/", false),
            Err(UrlError::NotHttp)
        );
        assert_eq!(
            EndpointUrl::parse("example.com/hook", false),
            Err(UrlError::NotHttp)
        );
        assert_eq!(
            EndpointUrl::parse("http://example.com/", true),
            Err(UrlError::NotHttps)
        );
        assert_eq!(
            EndpointUrl::parse("https://user:pw@example.com/", false),
            Err(UrlError::Credentials)
        );
        assert_eq!(EndpointUrl::parse("https://", false), Err(UrlError::NoHost));
        assert_eq!(
            EndpointUrl::parse("https://a.com:0/", false),
            Err(UrlError::NoHost)
        );
        assert_eq!(
            EndpointUrl::parse("https://a.com/#f", false),
            Err(UrlError::Fragment)
        );
        let long = format!("https://a.com/{}", "x".repeat(MAX_URL_LEN));
        assert_eq!(EndpointUrl::parse(&long, false), Err(UrlError::TooLong));
    }
}
