//! Walking a paged list ([`Paged`]) one page at a time: [`Pages`] and [`Items`].

use std::fmt;
use std::iter::FusedIterator;

use qys_proto::Result;
use qys_proto::endpoint::Paged;
use qys_proto::pages::PageWalk;

use crate::client::Client;

#[doc = qys_proto::frontend_doc!(pages_type)]
///
/// An [`Iterator`] of `Result<Vec<E::Item>>`.
pub struct Pages<'c, E: Paged> {
    client: &'c Client,
    walk: PageWalk<E>,
}

impl<'c, E: Paged> Pages<'c, E> {
    pub(crate) fn new(client: &'c Client, first: E) -> Self {
        Self {
            client,
            walk: PageWalk::new(first),
        }
    }

    qys_proto::pages_methods!();
}

impl<E: Paged> Iterator for Pages<'_, E> {
    type Item = Result<Vec<E::Item>>;

    fn next(&mut self) -> Option<Self::Item> {
        let request = match self.walk.next_request()? {
            Ok(request) => request,
            Err(e) => return Some(Err(e)),
        };
        let response = self.client.execute(&request);
        self.walk.feed(request, response)
    }
}

impl<E: Paged> FusedIterator for Pages<'_, E> {}

impl<E: Paged> fmt::Debug for Pages<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("walk", &self.walk)
            .finish_non_exhaustive()
    }
}

qys_proto::pages_items!("[`Iterator`]");

impl<E: Paged> Iterator for Items<'_, E> {
    type Item = Result<E::Item>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.current.next() {
                return Some(Ok(item));
            }
            match self.pages.next()? {
                Ok(page) => self.current = page.into_iter(),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

impl<E: Paged> FusedIterator for Items<'_, E> {}
