//! Walking a paged list ([`Paged`]) one page at a time: the [`Pages`] and [`Items`] streams.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_util::Stream;
use futures_util::stream::FusedStream;
use qys_proto::Result;
use qys_proto::endpoint::Paged;
use qys_proto::pages::PageWalk;

use crate::client::Client;

type PageFuture<'c, E> = Pin<
    Box<dyn Future<Output = (E, Result<<E as qys_proto::endpoint::Call>::Response>)> + Send + 'c>,
>;

#[doc = qys_proto::frontend_doc!(pages_type)]
///
/// A [`Stream`] of `Result<Vec<E::Item>>`; it is `Send` (it can be moved into a spawned
/// task with the client it borrows).
pub struct Pages<'c, E: Paged> {
    client: &'c Client,
    walk: PageWalk<E>,
    /// A page call under way (it owns its request).
    fetching: Option<PageFuture<'c, E>>,
}

// Nothing is pinned in place: the page call under way is boxed.
impl<E: Paged> Unpin for Pages<'_, E> {}

impl<'c, E: Paged> Pages<'c, E> {
    pub(crate) fn new(client: &'c Client, first: E) -> Self {
        Self {
            client,
            walk: PageWalk::new(first),
            fetching: None,
        }
    }

    qys_proto::pages_methods!();
}

impl<'c, E: Paged<Response: Send> + Send + Sync + 'c> Stream for Pages<'c, E> {
    type Item = Result<Vec<E::Item>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(future) = this.fetching.as_mut() {
                let (request, response) = ready!(future.as_mut().poll(cx));
                this.fetching = None;
                return Poll::Ready(this.walk.feed(request, response));
            }
            let request = match this.walk.next_request() {
                None => return Poll::Ready(None),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                Some(Ok(request)) => request,
            };
            let client = this.client;
            this.fetching = Some(Box::pin(async move {
                let response = client.execute(&request).await;
                (request, response)
            }));
        }
    }
}

impl<'c, E: Paged<Response: Send> + Send + Sync + 'c> FusedStream for Pages<'c, E> {
    fn is_terminated(&self) -> bool {
        self.fetching.is_none() && self.walk.next_offset().is_none()
    }
}

impl<E: Paged> fmt::Debug for Pages<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("walk", &self.walk)
            .field("fetching", &self.fetching.is_some())
            .finish_non_exhaustive()
    }
}

qys_proto::pages_items!("[`Stream`]");

// Nothing is pinned in place: the items are moved out of a plain vector.
impl<E: Paged> Unpin for Items<'_, E> {}

impl<'c, E: Paged<Response: Send> + Send + Sync + 'c> Stream for Items<'c, E> {
    type Item = Result<E::Item>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(Pin::new(&mut this.pages).poll_next(cx)) {
                None => return Poll::Ready(None),
                Some(Ok(page)) => this.current = page.into_iter(),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
            }
        }
    }
}

impl<'c, E: Paged<Response: Send> + Send + Sync + 'c> FusedStream for Items<'c, E> {
    fn is_terminated(&self) -> bool {
        self.current.len() == 0 && self.pages.is_terminated()
    }
}
