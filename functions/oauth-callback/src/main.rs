use lambda_http::{run, service_fn, tracing, Error};
use shared::sync::JobQueue;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let (app, queue) = shared::sync::wiring::from_env().await?;
    let queue: &dyn JobQueue = &queue;
    run(service_fn(|req| {
        oauth_callback::handle_with(&app, Some(queue), req)
    }))
    .await
}
