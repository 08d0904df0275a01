//! The SSRF guard: a webhook endpoint must not lead into the server's own network. Its host is
//! looked up, and every address it resolves to must be public (no loopback, private, link-local,
//! shared, multicast, broadcast or unspecified address, in IPv4 or IPv6, mapped or not) — at
//! creation and again before each delivery, since DNS may change in between; a delivery then
//! connects to the address checked, never to a fresh lookup. `WEBHOOK_ALLOW_PRIVATE=1` lifts it
//! for tests and for installations whose receivers live inside their network.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use mailroom_domain::catalogue::{Explain, Msg, Said};
use mailroom_domain::webhook::EndpointUrl;

/// The longest wait for a lookup.
const LOOKUP: Duration = Duration::from_secs(5);
/// Lookups at once. The system's resolver runs on the blocking threads the database calls use
/// too, and keeps going past our timeout: a flood of names that never answer must not take them
/// all.
const LOOKUPS: usize = 8;

static IN_FLIGHT: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(LOOKUPS);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    Unresolved(String),
    /// The address itself is not said: a stranger's answers must not map the internal network.
    Private {
        host: String,
        address: IpAddr,
    },
}

impl Explain for Refused {
    fn said(&self) -> Said {
        match self {
            Refused::Unresolved(host) => Said::with(Msg::HostUnresolved, [host]),
            Refused::Private { host, .. } => Said::with(Msg::HostPrivate, [host]),
        }
    }
}

mailroom_domain::explained!(Refused);

/// The addresses the endpoint's host resolves to, when every one may be called.
pub async fn resolve(url: &EndpointUrl, allow_private: bool) -> Result<Vec<SocketAddr>, Refused> {
    resolve_host(&url.host, url.port, allow_private).await
}

/// The addresses a host resolves to, when every one may be called: what the webhook client's
/// resolver answers, so that a connection goes only where the guard looked.
pub async fn resolve_host(
    host: &str,
    port: u16,
    allow_private: bool,
) -> Result<Vec<SocketAddr>, Refused> {
    let unresolved = || Refused::Unresolved(host.to_owned());
    let lookup = async {
        let _turn = IN_FLIGHT.acquire().await.map_err(|_| unresolved())?;
        tokio::net::lookup_host((host, port))
            .await
            .map_err(|_| unresolved())
    };
    let addresses: Vec<SocketAddr> = tokio::time::timeout(LOOKUP, lookup)
        .await
        .map_err(|_| unresolved())??
        .collect();
    if addresses.is_empty() {
        return Err(unresolved());
    }
    if !allow_private && let Some(private) = addresses.iter().find(|a| !is_public(a.ip())) {
        return Err(Refused::Private {
            host: host.to_owned(),
            address: private.ip(),
        });
    }
    Ok(addresses)
}

/// Whether an address is on the public internet.
pub fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    let shared = a == 100 && (64..128).contains(&b); // 100.64.0.0/10, carrier-grade NAT
    let this_network = a == 0; // 0.0.0.0/8
    let reserved = a >= 240; // 240.0.0.0/4 and the broadcast address
    let protocol_assignments = a == 192 && b == 0 && ip.octets()[2] == 0; // 192.0.0.0/24
    let benchmarking = a == 198 && (b == 18 || b == 19); // 198.18.0.0/15
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || shared
        || this_network
        || reserved
        || protocol_assignments
        || benchmarking)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    let unique_local = (first & 0xfe00) == 0xfc00; // fc00::/7
    let link_local = (first & 0xffc0) == 0xfe80; // fe80::/10
    let site_local = (first & 0xffc0) == 0xfec0; // fec0::/10, deprecated but routed by some
    let s = ip.segments();
    // ::/96 (IPv4-compatible, deprecated) is refused whole; ::ffff:0:0/96 is the caller's.
    let compatible = s[..6] == [0, 0, 0, 0, 0, 0];
    // Addresses that carry an IPv4 one: NAT64 (64:ff9b::/96, and 64:ff9b:1::/48 for local
    // use, refused whole) and 6to4 (2002::/16, the IPv4 address in its next 32 bits).
    let local_nat64 = s[0] == 0x64 && s[1] == 0xff9b && s[2] == 1;
    let v4 = |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    let embedded = if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        Some(v4(s[6], s[7]))
    } else if s[0] == 0x2002 {
        Some(v4(s[1], s[2]))
    } else {
        None
    };
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || unique_local
        || link_local
        || site_local
        || compatible
        || local_nat64
        || embedded.is_some_and(|v4| !is_public_v4(v4)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_private_link_local_shared_and_reserved_addresses_are_not_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "::127.0.0.1",
            "::10.0.0.1",
            "64:ff9b:1::1",
            "2002:c0a8:101::1",
            "192.0.0.8",
            "198.18.0.1",
        ] {
            let ip: IpAddr = private.parse().expect("an address");
            assert!(!is_public(ip), "{private} is not public");
        }
        for public in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "2002:808:808::1",
        ] {
            let ip: IpAddr = public.parse().expect("an address");
            assert!(is_public(ip), "{public} is public");
        }
    }

    #[tokio::test]
    async fn a_name_that_resolves_to_loopback_is_refused_unless_private_addresses_are_allowed() {
        let url = EndpointUrl::parse("http://localhost:9/hook", false).expect("a url");
        assert!(matches!(
            resolve(&url, false).await,
            Err(Refused::Private { .. })
        ));
        let allowed = resolve(&url, true).await.expect("allowed");
        assert!(allowed.iter().all(|a| a.port() == 9));
    }
}
