//! Running a handful of borrowed futures at the same time on the provider's runtime, without
//! spawning (which would need them to own everything they use).

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

/// Runs every future to completion, concurrently, and returns their outputs in order.
pub async fn all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            // A finished future is never polled again.
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    Poll::Ready(value) => *output = Some(value),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_order() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let out = runtime.block_on(super::all(
            (0..5u64)
                .map(|i| async move {
                    tokio::time::sleep(std::time::Duration::from_millis(10 * (5 - i))).await;
                    i
                })
                .collect(),
        ));
        assert_eq!(out, [0, 1, 2, 3, 4]);
    }
}
