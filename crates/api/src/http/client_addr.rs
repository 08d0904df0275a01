//! The address a request comes from. Behind a reverse proxy every request's peer is the proxy,
//! so the proxy's `Forwarded` (RFC 7239) or `X-Forwarded-For` header names the client; but
//! anyone can send those headers, so they are read only when the peer is one of
//! `TRUSTED_PROXIES`, and then only up to the rightmost hop that is not itself a trusted proxy:
//! the entries left of it were written by whoever reached that proxy, and prove nothing.

use std::net::IpAddr;
use std::str::FromStr;

use actix_web::HttpRequest;
use actix_web::http::header::{self, HeaderName};
use ipnet::IpNet;

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// `TRUSTED_PROXIES`: the networks whose requests may say whom they forward.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// A comma-separated list of CIDRs or single addresses: `10.0.0.0/8, 127.0.0.1, ::1`.
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                IpNet::from_str(item)
                    .or_else(|_| IpAddr::from_str(item).map(IpNet::from))
                    .map_err(|_| {
                        format!(
                            "'{item}' is neither a network (10.0.0.0/8, fd00::/8) nor an address"
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    fn trusts(&self, addr: IpAddr) -> bool {
        let addr = canonical(addr);
        self.0.iter().any(|net| net.contains(&addr))
    }

    /// The client's address: the peer's, or, when the peer is trusted, the rightmost forwarded
    /// hop that is not (`Forwarded` if the request has it, else `X-Forwarded-For`).
    pub fn client(&self, peer: IpAddr, forwarded: &[&str], x_forwarded_for: &[&str]) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = if forwarded.is_empty() {
            x_forwarded_for
                .iter()
                .flat_map(|value| value.split(','))
                .map(str::trim)
                .collect()
        } else {
            forwarded
                .iter()
                .flat_map(|value| value.split(','))
                .filter_map(forwarded_for)
                .collect()
        };
        let mut client = peer;
        for hop in hops.iter().rev() {
            // A hop that names no address (`unknown`, an obfuscated `_id`, garbage) ends the
            // walk: nothing left of it can be placed, and the last proxy known stands for it.
            let Some(addr) = parse_hop(hop) else { break };
            client = addr;
            if !self.trusts(addr) {
                break;
            }
        }
        client
    }

    /// The client's address of `req`, as a rate limit counts it.
    pub fn of(&self, req: &HttpRequest) -> Option<IpAddr> {
        let peer = req.peer_addr()?.ip();
        let values = |name: &HeaderName| -> Vec<&str> {
            req.headers()
                .get_all(name)
                .filter_map(|v| v.to_str().ok())
                .collect()
        };
        Some(self.client(peer, &values(&header::FORWARDED), &values(&X_FORWARDED_FOR)))
    }
}

/// An IPv4 address written as IPv6 (`::ffff:192.0.2.1`, as a dual-stack socket reports it) is
/// the IPv4 address.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    }
}

/// The `for=` of one `Forwarded` element (`for=192.0.2.60;proto=http;by=203.0.113.43`).
fn forwarded_for(element: &str) -> Option<&str> {
    element.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("for")
            .then(|| value.trim())
    })
}

/// One hop's address: `192.0.2.43`, `"192.0.2.43:47011"`, `"[2001:db8::1]:4711"`,
/// `2001:db8::1`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim().trim_matches('"');
    if let Ok(addr) = IpAddr::from_str(hop) {
        return Some(canonical(addr));
    }
    if let Some(rest) = hop.strip_prefix('[') {
        let (inside, _) = rest.split_once(']')?;
        return IpAddr::from_str(inside).ok().map(canonical);
    }
    // An IPv4 address with a port.
    let (host, port) = hop.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    IpAddr::from_str(host).ok().map(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    fn proxies() -> TrustedProxies {
        TrustedProxies::parse("10.0.0.0/8, 127.0.0.1, fd00::/8").expect("valid")
    }

    #[test]
    fn a_list_of_networks_and_addresses_is_read_and_anything_else_named() {
        assert_eq!(proxies().0.len(), 3);
        assert_eq!(TrustedProxies::parse(" "), Ok(TrustedProxies::default()));
        let err = TrustedProxies::parse("10.0.0.0/8, proxy.local").expect_err("a name");
        assert!(err.contains("'proxy.local'"), "{err}");
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
    }

    #[test]
    fn headers_from_a_peer_that_is_not_trusted_are_ignored() {
        let client = proxies().client(ip("198.51.100.7"), &[], &["203.0.113.9"]);
        assert_eq!(client, ip("198.51.100.7"));
        let nobody = TrustedProxies::default();
        assert_eq!(
            nobody.client(ip("127.0.0.1"), &["for=203.0.113.9"], &[]),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn the_rightmost_hop_that_is_not_a_trusted_proxy_is_the_client() {
        let p = proxies();
        // The client lied about a first hop; the proxies appended what they saw.
        let xff = ["6.6.6.6, 203.0.113.9", "10.1.2.3"];
        assert_eq!(p.client(ip("127.0.0.1"), &[], &xff), ip("203.0.113.9"));
        assert_eq!(
            p.client(ip("::ffff:127.0.0.1"), &[], &["203.0.113.9"]),
            ip("203.0.113.9"),
            "an IPv4 peer on a dual-stack socket"
        );
        // Every hop trusted: the leftmost.
        assert_eq!(
            p.client(ip("127.0.0.1"), &[], &["10.0.0.5, 10.0.0.6"]),
            ip("10.0.0.5")
        );
        // No header at all: the proxy itself.
        assert_eq!(p.client(ip("10.9.9.9"), &[], &[]), ip("10.9.9.9"));
    }

    #[test]
    fn forwarded_is_read_in_its_own_syntax_and_wins_over_x_forwarded_for() {
        let p = proxies();
        let forwarded = [
            r#"for=6.6.6.6, for="[2001:db8:cafe::17]:4711";proto=https"#,
            "for=10.0.0.2;by=10.0.0.3",
        ];
        assert_eq!(
            p.client(ip("127.0.0.1"), &forwarded, &["192.0.2.200"]),
            ip("2001:db8:cafe::17")
        );
        assert_eq!(
            p.client(ip("127.0.0.1"), &[r#"For="192.0.2.43:47011""#], &[]),
            ip("192.0.2.43")
        );
    }

    #[test]
    fn a_hop_without_an_address_stops_the_walk_at_the_last_proxy_known() {
        let p = proxies();
        assert_eq!(
            p.client(ip("127.0.0.1"), &["for=203.0.113.9, for=_hidden"], &[]),
            ip("127.0.0.1")
        );
        assert_eq!(
            p.client(ip("127.0.0.1"), &[], &["203.0.113.9, garbage, 10.0.0.7"]),
            ip("10.0.0.7")
        );
    }
}
