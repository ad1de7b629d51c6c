//! Name resolution without a thread per request.
//!
//! ureq resolves the host before every request, even when a pooled connection will carry it,
//! and when any timeout applies (the client always sets one) its default resolver does so on
//! a new thread, to be able to give up. On loopback that thread costs about as much CPU as
//! the rest of the call (BENCHMARKS.md); against a host name it also repeats a system lookup
//! per call. [`CachingResolver`] answers IP literals directly and remembers a host's
//! addresses for [`TTL`], delegating to ureq's resolver (thread, timeout) otherwise.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long resolved addresses are reused (the JVM's default DNS cache time): a host that
/// moves is reached at its new address by new connections within this time.
pub(crate) const TTL: Duration = Duration::from_secs(30);

/// The most hosts remembered; the cache is emptied when it is full.
const MAX_HOSTS: usize = 64;

/// See the module docs.
#[derive(Debug, Default)]
pub(crate) struct CachingResolver {
    inner: DefaultResolver,
    cache: Mutex<HashMap<String, (Instant, ResolvedSocketAddrs)>>,
}

impl CachingResolver {
    fn literal(&self, uri: &Uri, config: &Config) -> Option<ResolvedSocketAddrs> {
        let authority = uri.authority()?;
        let host = authority.host();
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let ip: IpAddr = host.parse().ok()?;
        let port = authority.port_u16().or_else(|| match uri.scheme_str() {
            Some("https") => Some(443),
            Some("http") => Some(80),
            _ => None,
        })?;
        let addr = SocketAddr::new(ip, port);
        let mut out = self.empty();
        for wanted in config.ip_family().keep_wanted(std::iter::once(addr)) {
            out.push(wanted);
        }
        // An address of the wrong family: let ureq's resolver give its own answer.
        (!out.is_empty()).then_some(out)
    }
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        if let Some(addrs) = self.literal(uri, config) {
            return Ok(addrs);
        }
        let key = format!(
            "{}://{}",
            uri.scheme_str().unwrap_or(""),
            uri.authority().map_or("", |a| a.as_str())
        );
        {
            let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((at, addrs)) = cache.get(&key)
                && at.elapsed() < TTL
            {
                return Ok(addrs.clone());
            }
        }
        let addrs = self.inner.resolve(uri, config, timeout)?;
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= MAX_HOSTS {
            cache.clear();
        }
        cache.insert(key, (Instant::now(), addrs.clone()));
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(r: &CachingResolver, url: &str) -> Vec<SocketAddr> {
        let uri: Uri = url.parse().unwrap();
        let config = ureq::Agent::config_builder().build();
        let timeout = NextTimeout {
            after: ureq::unversioned::transport::time::Duration::Exact(Duration::from_secs(5)),
            reason: ureq::Timeout::Resolve,
            per_read: None,
            per_write: None,
        };
        r.resolve(&uri, &config, timeout)
            .map(|a| a.iter().copied().collect())
            .unwrap_or_default()
    }

    #[test]
    fn ip_literals_need_no_lookup() {
        let r = CachingResolver::default();
        assert_eq!(
            resolve(&r, "http://127.0.0.1:8080/v2/x"),
            vec!["127.0.0.1:8080".parse::<SocketAddr>().unwrap()]
        );
        assert_eq!(
            resolve(&r, "https://[::1]/v2/x"),
            vec!["[::1]:443".parse::<SocketAddr>().unwrap()]
        );
        assert!(r.cache.lock().unwrap().is_empty());
    }

    #[test]
    fn host_names_are_resolved_once_then_remembered() {
        let r = CachingResolver::default();
        let first = resolve(&r, "http://localhost:9/v2/x");
        assert!(!first.is_empty());
        assert!(first.iter().all(|a| a.port() == 9 && a.ip().is_loopback()));
        assert_eq!(r.cache.lock().unwrap().len(), 1);
        assert_eq!(resolve(&r, "http://localhost:9/v2/y"), first);
    }
}
