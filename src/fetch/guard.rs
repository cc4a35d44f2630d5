//! The SSRF guard: which addresses a fetch may reach, and whether a redirect may be followed.
//!
//! Three places check addresses, so no path reaches a refused one:
//! 1. [`check_url`] before a request is sent (scheme, length, host, and IP-literal hosts,
//!    which never go through DNS);
//! 2. [`GuardedResolver`], the reqwest DNS resolver, after resolution: refused addresses
//!    are dropped, and a name that resolves only to refused addresses fails with
//!    [`BlockedAddress`] (the connection is never opened);
//! 3. [`check_redirect`] at every redirect hop (the same checks as 1, plus the hop cap and
//!    loop detection); the resolver then checks the new host's addresses as in 2.
//!
//! Proxies from the environment are disabled in the client (`no_proxy`), because a proxy
//! would resolve names itself and bypass check 2.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use super::FetchError;

/// Longest URL accepted, in bytes (the contract: "a URL longer than 8 KiB" is dead-lettered).
pub const MAX_URL_LEN: usize = 8 * 1024;

/// Why an address is refused, or `None` when it is a public unicast address.
///
/// Refused: loopback, RFC 1918 private, CGNAT (100.64/10), link-local (incl. the cloud
/// metadata address 169.254.169.254), "this network" 0/8, unspecified, multicast,
/// broadcast, reserved 240/4, documentation and benchmarking ranges, IETF protocol
/// assignments 192.0.0/24; for IPv6 also unique-local fc00::/7, link-local fe80::/10,
/// site-local fec0::/10, IPv4-mapped and IPv4-compatible addresses, documentation
/// 2001:db8::/32, and NAT64 / 6to4 addresses whose embedded IPv4 address is refused.
pub fn refused_reason(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refused_v4(v4),
        IpAddr::V6(v6) => refused_v6(v6),
    }
}

fn refused_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    if ip.is_unspecified() || a == 0 {
        Some("this-network 0.0.0.0/8")
    } else if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() {
        Some("private")
    } else if a == 100 && (b & 0xc0) == 64 {
        Some("shared address space 100.64.0.0/10")
    } else if ip.is_link_local() {
        Some("link-local / cloud metadata")
    } else if ip.is_broadcast() {
        Some("broadcast")
    } else if ip.is_multicast() {
        Some("multicast")
    } else if a >= 240 {
        Some("reserved 240.0.0.0/4")
    } else if a == 192 && b == 0 && c == 0 {
        Some("IETF protocol assignments 192.0.0.0/24")
    } else if (a == 192 && b == 0 && c == 2)
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
    {
        Some("documentation")
    } else if a == 198 && (b & 0xfe) == 18 {
        Some("benchmarking 198.18.0.0/15")
    } else {
        None
    }
}

fn refused_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let seg = ip.segments();
    if ip.is_unspecified() {
        Some("unspecified")
    } else if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_multicast() {
        Some("multicast")
    } else if (seg[0] & 0xfe00) == 0xfc00 {
        Some("unique local fc00::/7")
    } else if (seg[0] & 0xffc0) == 0xfe80 {
        Some("link-local fe80::/10")
    } else if (seg[0] & 0xffc0) == 0xfec0 {
        Some("site-local fec0::/10")
    } else if seg[..5] == [0, 0, 0, 0, 0] && (seg[5] == 0xffff || seg[5] == 0) {
        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated): never what a
        // public name resolves to, and a way to smuggle an IPv4 address past v4 checks.
        Some("IPv4-mapped or IPv4-compatible")
    } else if seg[0] == 0x2001 && seg[1] == 0x0db8 {
        Some("documentation 2001:db8::/32")
    } else if seg[0] == 0x0064 && seg[1] == 0xff9b && seg[2..6] == [0, 0, 0, 0] {
        // NAT64 well-known prefix 64:ff9b::/96: the embedded IPv4 decides.
        let v4 = Ipv4Addr::new(
            (seg[6] >> 8) as u8,
            seg[6] as u8,
            (seg[7] >> 8) as u8,
            seg[7] as u8,
        );
        refused_v4(v4).map(|_| "NAT64 of a refused IPv4 address")
    } else if seg[0] == 0x2002 {
        // 6to4 2002:V4ADDR::/48: the embedded IPv4 decides.
        let v4 = Ipv4Addr::new(
            (seg[1] >> 8) as u8,
            seg[1] as u8,
            (seg[2] >> 8) as u8,
            seg[2] as u8,
        );
        refused_v4(v4).map(|_| "6to4 of a refused IPv4 address")
    } else {
        None
    }
}

/// Checks an IP address against the policy.
pub fn check_ip(host: &str, ip: IpAddr, allow_private: bool) -> Result<(), BlockedAddress> {
    if allow_private {
        return Ok(());
    }
    match refused_reason(ip) {
        None => Ok(()),
        Some(why) => Err(BlockedAddress {
            host: host.to_owned(),
            addr: ip,
            why,
        }),
    }
}

/// Checks a URL before any request is sent to it: length, scheme http/https, no userinfo
/// (`credentials_in_url`), a host, and,
/// when the host is an IP literal, the address policy (literals skip DNS, so the resolver
/// never sees them).
pub fn check_url(url: &Url, allow_private: bool) -> Result<(), FetchError> {
    let len = url.as_str().len();
    if len > MAX_URL_LEN {
        return Err(FetchError::UrlTooLong {
            len,
            max: MAX_URL_LEN,
        });
    }
    match url.scheme() {
        "http" | "https" => {}
        other => return Err(FetchError::BadScheme(other.to_owned())),
    }
    // Userinfo is refused, in the message and in any redirect's Location, so credentials
    // never reach a request, a log line, an event or a stored row.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FetchError::Credentials);
    }
    match url.host() {
        None => Err(FetchError::Malformed("URL has no host".into())),
        Some(Host::Domain("")) => Err(FetchError::Malformed("URL has no host".into())),
        Some(Host::Domain(_)) => Ok(()),
        Some(Host::Ipv4(v4)) => {
            check_ip(&v4.to_string(), IpAddr::V4(v4), allow_private).map_err(FetchError::Blocked)
        }
        Some(Host::Ipv6(v6)) => {
            check_ip(&format!("[{v6}]"), IpAddr::V6(v6), allow_private).map_err(FetchError::Blocked)
        }
    }
}

/// The redirect policy, applied before following `next`.
///
/// `chain` holds the URLs requested so far, the original first; following `next` makes
/// `chain.len()` redirects. A URL already in the chain is a loop (`redirect_loop`); more than
/// `max_redirects` hops is `too_many_redirects`; then `next` gets the same checks as the
/// original URL ([`check_url`]: scheme, length, IP literal), and its name is checked after
/// DNS resolution by the resolver when it is requested.
pub fn check_redirect(
    next: &Url,
    chain: &[Url],
    max_redirects: usize,
    allow_private: bool,
) -> Result<(), FetchError> {
    if chain.iter().any(|u| same_resource(u, next)) {
        return Err(FetchError::RedirectLoop);
    }
    if chain.len() > max_redirects {
        return Err(FetchError::TooManyRedirects { max: max_redirects });
    }
    check_url(next, allow_private)
}

/// Two URLs name the same resource when they are equal ignoring the fragment
/// (fragments are never sent to the server).
fn same_resource(a: &Url, b: &Url) -> bool {
    let mut a = a.clone();
    let mut b = b.clone();
    a.set_fragment(None);
    b.set_fragment(None);
    a == b
}

/// A name or IP literal whose addresses are all refused by the policy.
#[derive(Debug, Clone, thiserror::Error)]
#[error("address {addr} of host {host} is refused ({why})")]
pub struct BlockedAddress {
    pub host: String,
    pub addr: IpAddr,
    pub why: &'static str,
}

/// The reqwest DNS resolver that enforces the address policy after resolution.
///
/// Resolution uses the system resolver (`getaddrinfo` through tokio). Refused addresses
/// are removed from the answer; when none is left the lookup fails with
/// [`BlockedAddress`], which [`super::FetchError`] turns into `blocked_address`. Because the
/// connection is made to exactly the addresses returned here, a name cannot be re-resolved
/// to a refused address between the check and the connect (DNS rebinding).
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver {
    pub allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut first_refusal = None;
            let mut kept = Vec::with_capacity(found.len());
            for addr in found {
                match check_ip(&host, addr.ip(), allow_private) {
                    Ok(()) => kept.push(addr),
                    Err(e) => {
                        if first_refusal.is_none() {
                            first_refusal = Some(e);
                        }
                    }
                }
            }
            if kept.is_empty() {
                if let Some(refusal) = first_refusal {
                    return Err(Box::new(refusal) as Box<dyn std::error::Error + Send + Sync>);
                }
            }
            let addrs: Addrs = Box::new(kept.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn refuses_internal_ranges() {
        for s in [
            "127.0.0.1",
            "127.255.0.9",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "100.64.0.1",
            "100.127.255.255",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:8.8.8.8",
            "64:ff9b::a00:1",
            "2002:7f00:1::1",
        ] {
            assert!(refused_reason(ip(s)).is_some(), "{s} should be refused");
        }
    }

    #[test]
    fn allows_public_addresses() {
        for s in [
            "8.8.8.8",
            "1.1.1.1",
            "172.15.255.255",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "2606:4700:4700::1111",
            "64:ff9b::808:808",
        ] {
            assert!(refused_reason(ip(s)).is_none(), "{s} should be allowed");
        }
    }

    #[test]
    fn allow_private_allows_everything() {
        assert!(check_ip("x", ip("127.0.0.1"), true).is_ok());
        assert!(check_ip("x", ip("127.0.0.1"), false).is_err());
    }
}
