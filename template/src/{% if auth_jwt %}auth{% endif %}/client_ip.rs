//! The client's address: the peer's, unless the peer is a trusted proxy, in which case the
//! nearest untrusted hop its `Forwarded` (RFC 7239) or `X-Forwarded-For` header names.

use std::net::{IpAddr, SocketAddr};

use ipnet::IpNet;

/// The address a request came from, as far as the server can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>) -> Self {
        Self(networks)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(&address))
    }

    /// `forwarded` and `x_forwarded_for` are the header values, several lines joined by commas.
    /// Walking back from the peer, each trusted proxy hands over to the hop before it; the
    /// first hop that is not trusted is the client. A hop that cannot be read ends the walk at
    /// the proxy that reported it.
    pub fn client(
        &self,
        peer: IpAddr,
        forwarded: Option<&str>,
        x_forwarded_for: Option<&str>,
    ) -> ClientAddress {
        if !self.trusts(peer) {
            return ClientAddress(peer);
        }
        let hops: Vec<Option<IpAddr>> = match (forwarded, x_forwarded_for) {
            (Some(forwarded), _) => forwarded_hops(forwarded),
            (None, Some(list)) => list.split(',').map(parse_hop).collect(),
            (None, None) => Vec::new(),
        };
        let mut client = peer;
        for hop in hops.into_iter().rev() {
            match hop {
                Some(address) => {
                    client = address;
                    if !self.trusts(address) {
                        break;
                    }
                }
                None => break,
            }
        }
        ClientAddress(client)
    }
}

/// The `for=` of each element of a `Forwarded` header, in order.
fn forwarded_hops(value: &str) -> Vec<Option<IpAddr>> {
    value
        .split(',')
        .map(|element| {
            element.split(';').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| parse_hop(value))
            })?
        })
        .collect()
}

/// One hop: `192.0.2.1`, `192.0.2.1:8080`, `2001:db8::1`, `"[2001:db8::1]:8080"`.
fn parse_hop(value: &str) -> Option<IpAddr> {
    let value = value.trim().trim_matches('"');
    value
        .parse::<IpAddr>()
        .ok()
        .or_else(|| value.parse::<SocketAddr>().ok().map(|address| address.ip()))
        .or_else(|| {
            value
                .strip_prefix('[')
                .and_then(|rest| rest.strip_suffix(']'))
                .and_then(|inner| inner.parse().ok())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROXY: &str = "10.0.0.2";

    fn ip(value: &str) -> IpAddr {
        value.parse().expect("an address")
    }

    fn proxies() -> TrustedProxies {
        TrustedProxies::new(vec!["10.0.0.0/8".parse().expect("a range")])
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let client = proxies().client(ip("198.51.100.7"), None, Some("203.0.113.9"));
        assert_eq!(client, ClientAddress(ip("198.51.100.7")));
    }

    #[test]
    fn behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client() {
        let client = proxies().client(ip(PROXY), None, Some("192.0.2.66, 203.0.113.9, 10.1.1.1"));
        assert_eq!(client, ClientAddress(ip("203.0.113.9")));
    }

    #[test]
    fn forwarded_is_read_with_ports_quotes_and_ipv6() {
        let forwarded = r#"for=192.0.2.60;proto=http, For="[2001:db8:cafe::17]:4711""#;
        let client = proxies().client(ip(PROXY), Some(forwarded), Some("203.0.113.9"));
        assert_eq!(client, ClientAddress(ip("2001:db8:cafe::17")));
        let client = proxies().client(ip(PROXY), Some("for=\"192.0.2.43:47011\""), None);
        assert_eq!(client, ClientAddress(ip("192.0.2.43")));
    }

    #[test]
    fn an_unreadable_hop_leaves_the_proxy_that_reported_it() {
        let client = proxies().client(ip(PROXY), Some("for=unknown, for=10.0.0.3"), None);
        assert_eq!(client, ClientAddress(ip("10.0.0.3")));
        let client = proxies().client(ip(PROXY), None, None);
        assert_eq!(client, ClientAddress(ip(PROXY)));
    }
}
