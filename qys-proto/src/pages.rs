//! Walking a paged list ([`Paged`]) one page at a time, without I/O: [`PageWalk`] says which
//! request to send next and, fed each answer, which items to hand out and whether the walk is
//! over. The frontends' `Pages` (an iterator, a stream) only send what it asks for.

use std::fmt;

use crate::endpoint::Paged;
use crate::error::{DecodeError, Error, Result};

/// The most pages a walk asks for unless [`PageWalk::max_pages`] says otherwise.
pub const DEFAULT_MAX_PAGES: u64 = 10_000;

/// The state of a walk over a paged list.
///
/// Each page is asked for with the request's `selectOffset` moved past the items already
/// seen ([`Paged::next_offset`]). The walk stops, never to resume:
///
/// - after the last page: an empty page, a page shorter than the page size, one that reaches
///   the `totalCount` the platform announced, or one after which the offset would not move
///   forward (so a server that ignores the offset cannot keep the walk going);
/// - after an error, which is handed out once;
/// - after [`max_pages`](Self::max_pages) pages (default [`DEFAULT_MAX_PAGES`]) when the
///   platform still answers full pages without a `totalCount` that ends the walk: an
///   [`Error::Decode`] says so instead of silently dropping the rest.
///
/// Empty pages are never handed out.
///
/// ```
/// # use qys_proto::pages::PageWalk;
/// # fn walk<E: qys_proto::endpoint::Paged>(
/// #     first: E,
/// #     send: impl Fn(&E) -> qys_proto::Result<E::Response>,
/// # ) -> qys_proto::Result<Vec<E::Item>> {
/// let mut walk = PageWalk::new(first);
/// let mut all = Vec::new();
/// while let Some(request) = walk.next_request() {
///     let request = request?;
///     let response = send(&request);
///     match walk.feed(request, response) {
///         Some(page) => all.extend(page?),
///         None => break,
///     }
/// }
/// # Ok(all)
/// # }
/// ```
pub struct PageWalk<E> {
    /// The request of the next page; `None` once the walk is over or a page is being fetched.
    next: Option<E>,
    fetched: u64,
    max_pages: u64,
}

impl<E: Paged> PageWalk<E> {
    /// A walk starting with the page `first` asks for.
    pub fn new(first: E) -> Self {
        Self {
            next: Some(first),
            fetched: 0,
            max_pages: DEFAULT_MAX_PAGES,
        }
    }

    /// Asks for at most `max` pages (at least 1) before giving up with an error if the list
    /// still seems to go on.
    pub fn max_pages(&mut self, max: u64) {
        self.max_pages = max.max(1);
    }

    /// The page cap.
    pub fn page_cap(&self) -> u64 {
        self.max_pages
    }

    /// How many pages were asked for so far.
    pub fn pages_fetched(&self) -> u64 {
        self.fetched
    }

    /// The `selectOffset` of the next page, if one is still to be asked for.
    pub fn next_offset(&self) -> Option<u64> {
        self.next.as_ref().map(Paged::offset)
    }

    /// The request to send next, to be given back to [`feed`](Self::feed) with its answer;
    /// `None` when the walk is over (or a page is out, not fed back yet).
    ///
    /// # Errors
    /// Once, when the page cap is reached: an [`Error::Decode`] saying the list still went on.
    /// The walk is then over.
    pub fn next_request(&mut self) -> Option<Result<E>> {
        let request = self.next.take()?;
        if self.fetched >= self.max_pages {
            return Some(Err(cap_error(self.max_pages, request.offset())));
        }
        self.fetched += 1;
        Some(Ok(request))
    }

    /// Takes the answer to `request` (from [`next_request`](Self::next_request)): the page's
    /// items to hand out, or `None` when the list ended (an empty page). Decides the next
    /// request, if any.
    ///
    /// # Errors
    /// The answer's error, handed back once; the walk is then over.
    pub fn feed(
        &mut self,
        request: E,
        response: Result<<E as crate::endpoint::Call>::Response>,
    ) -> Option<Result<Vec<E::Item>>> {
        let (items, total) = match response {
            Ok(response) => E::items(response),
            Err(e) => return Some(Err(e)),
        };
        if items.is_empty() {
            return None;
        }
        self.next = request
            .next_offset(items.len(), total)
            .filter(|&offset| offset > request.offset())
            .map(|offset| request.with_offset(offset));
        Some(Ok(items))
    }
}

/// Stamps the methods both frontends' `Pages` share, with their docs, into its
/// `impl<'c, E: Paged> Pages<'c, E>`: the walk is in a field `walk` ([`PageWalk`]) and
/// `items` makes an `Items` ([`pages_items!`](crate::pages_items)). Used by `qys-blocking` and `qys-async` only;
/// not a stable API.
#[doc(hidden)]
#[macro_export]
macro_rules! pages_methods {
    () => {
        /// Asks for at most `max` pages (at least 1; default
        /// [`DEFAULT_MAX_PAGES`](qys_proto::pages::DEFAULT_MAX_PAGES)) before giving up with an
        /// [`Error::Decode`](qys_proto::Error::Decode) if the list still seems to go on.
        #[must_use]
        pub fn max_pages(mut self, max: u64) -> Self {
            self.walk.max_pages(max);
            self
        }

        /// How many pages were asked for so far.
        pub fn pages_fetched(&self) -> u64 {
            self.walk.pages_fetched()
        }

        /// The items of every page, one by one; an error is yielded once, then the walk ends.
        pub fn items(self) -> Items<'c, E> {
            Items {
                pages: self,
                current: Vec::new().into_iter(),
            }
        }
    };
}

/// Declares a frontend's `Items` (its `Pages` and the items of the page at hand), with
/// `pages_fetched` and `Debug` (the pages' walk and how many items are buffered); `kind` names
/// what it is in its doc (an [`Iterator`] or a `Stream`). Used by `qys-blocking` and
/// `qys-async` only; not a stable API.
#[doc(hidden)]
#[macro_export]
macro_rules! pages_items {
    ($kind:literal) => {
        /// The items of a paged list, page after page, made by [`Pages::items`]: an
        #[doc = $kind]
        /// of `Result<E::Item>`. Stops as [`Pages`] does.
        pub struct Items<'c, E: Paged> {
            pages: Pages<'c, E>,
            current: ::std::vec::IntoIter<E::Item>,
        }

        impl<E: Paged> Items<'_, E> {
            /// How many pages were asked for so far.
            pub fn pages_fetched(&self) -> u64 {
                self.pages.pages_fetched()
            }
        }

        impl<E: Paged> ::std::fmt::Debug for Items<'_, E> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("Items")
                    .field("pages", &self.pages)
                    .field("buffered", &self.current.len())
                    .finish()
            }
        }
    };
}

/// The error that ends a walk that hit its page cap.
fn cap_error(max_pages: u64, offset: u64) -> Error {
    DecodeError::new(
        "result.list",
        format!(
            "the list still answered full pages after {max_pages} pages (next selectOffset \
             {offset}) without a totalCount that ends it; stopped. Raise Pages::max_pages if \
             the list really is that long"
        ),
        b"",
        None,
    )
    .into()
}

impl<E: Paged> fmt::Debug for PageWalk<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageWalk")
            .field("next_offset", &self.next_offset())
            .field("fetched", &self.fetched)
            .field("max_pages", &self.max_pages)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Context;
    use crate::endpoint::{Call, Check, Endpoint, Payload};
    use crate::error::BuildError;

    /// A list of `len` numbers served `limit` at a time; `total` says whether the answer
    /// carries `totalCount`; `stuck` makes the server ignore the offset.
    #[derive(Clone)]
    struct List {
        offset: u64,
        limit: u64,
    }

    impl Check for List {}

    impl Call for List {
        type Result = ();
        type Response = (Vec<u64>, Option<u64>);

        fn method(&self) -> http::Method {
            http::Method::GET
        }

        fn path(&self) -> &str {
            "/list"
        }

        fn idempotent(&self) -> bool {
            true
        }

        fn response(_: (), _: &Context) -> Self::Response {
            (Vec::new(), None)
        }
    }

    impl Endpoint for List {
        fn payload(&self) -> Result<Payload, BuildError> {
            Ok(Payload::Empty)
        }
    }

    impl Paged for List {
        type Item = u64;

        fn offset(&self) -> u64 {
            self.offset
        }

        fn limit(&self) -> u64 {
            self.limit
        }

        fn with_offset(&self, offset: u64) -> Self {
            Self {
                offset,
                limit: self.limit,
            }
        }

        fn items(response: Self::Response) -> (Vec<u64>, Option<u64>) {
            response
        }
    }

    /// Walks with a server of `len` items; returns the pages (or the error text) handed out
    /// and the offsets asked for.
    fn walk(
        limit: u64,
        len: u64,
        announce_total: bool,
        stuck: bool,
        cap: Option<u64>,
    ) -> (Vec<std::result::Result<Vec<u64>, String>>, Vec<u64>) {
        let mut walk = PageWalk::new(List { offset: 0, limit });
        if let Some(cap) = cap {
            walk.max_pages(cap);
        }
        let (mut out, mut asked) = (Vec::new(), Vec::new());
        while let Some(request) = walk.next_request() {
            let request = match request {
                Ok(r) => r,
                Err(e) => {
                    out.push(Err(e.to_string()));
                    continue;
                }
            };
            asked.push(request.offset);
            let start = if stuck { 0 } else { request.offset };
            let page: Vec<u64> = (start..len.min(start + limit)).collect();
            let total = announce_total.then_some(len);
            match walk.feed(request, Ok((page, total))) {
                Some(page) => out.push(page.map_err(|e| e.to_string())),
                None => break,
            }
        }
        assert!(
            walk.next_request().is_none(),
            "a finished walk stays finished"
        );
        (out, asked)
    }

    #[test]
    fn a_short_last_page_ends_the_walk() {
        let (pages, asked) = walk(3, 7, false, false, None);
        assert_eq!(asked, [0, 3, 6]);
        assert_eq!(pages.len(), 3);
        assert_eq!(pages[2].as_deref(), Ok(&[6][..]));
    }

    #[test]
    fn an_empty_page_ends_the_walk_and_is_not_handed_out() {
        let (pages, asked) = walk(3, 6, false, false, None);
        assert_eq!(asked, [0, 3, 6]);
        assert_eq!(pages.len(), 2);
    }

    #[test]
    fn total_count_reached_ends_the_walk_without_an_empty_page() {
        let (pages, asked) = walk(3, 6, true, false, None);
        assert_eq!(asked, [0, 3]);
        assert_eq!(pages.len(), 2);
        // A server ignoring the offset stops at totalCount too.
        let (pages, asked) = walk(3, 6, true, true, None);
        assert_eq!(asked, [0, 3]);
        assert_eq!(pages[1].as_deref(), Ok(&[0, 1, 2][..]));
    }

    #[test]
    fn the_page_cap_ends_an_endless_list_with_an_error() {
        let (pages, asked) = walk(2, u64::MAX, false, true, Some(3));
        assert_eq!(asked, [0, 2, 4]);
        assert_eq!(pages.len(), 4);
        let error = pages[3].as_ref().unwrap_err();
        assert!(error.contains("after 3 pages"), "{error}");
        assert!(error.contains("selectOffset 6"), "{error}");
    }

    #[test]
    fn an_error_is_handed_out_once_and_ends_the_walk() {
        let mut walk = PageWalk::new(List {
            offset: 0,
            limit: 2,
        });
        let request = walk.next_request().unwrap().unwrap();
        let error = DecodeError::new(".", "broken", b"", None).into();
        assert!(matches!(walk.feed(request, Err(error)), Some(Err(_))));
        assert!(walk.next_request().is_none());
        assert_eq!(walk.pages_fetched(), 1);
        assert!(format!("{walk:?}").contains("fetched: 1"));
    }

    #[test]
    fn an_offset_that_does_not_move_ends_the_walk() {
        let mut walk = PageWalk::new(List {
            offset: u64::MAX - 1,
            limit: 2,
        });
        let request = walk.next_request().unwrap().unwrap();
        // offset + 2 overflows: no next page.
        assert!(walk.feed(request, Ok((vec![1, 2], None))).is_some());
        assert!(walk.next_request().is_none());
        assert_eq!(walk.page_cap(), DEFAULT_MAX_PAGES);
    }
}
