use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let (app, queue) = shared::sync::wiring::from_env().await?;
    run(service_fn(|event: LambdaEvent<serde_json::Value>| {
        let deadline = scheduled_sync::deadline_of(&event.context);
        let answer = scheduled_sync::handle(&app, &queue, event.payload, deadline);
        async move { answer.await.map_err(Error::from) }
    }))
    .await
}
