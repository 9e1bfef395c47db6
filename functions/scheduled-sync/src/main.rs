use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let app = shared::App::from_env().await?;
    run(service_fn(|event: LambdaEvent<_>| async {
        scheduled_sync::handle(&app, event.payload)
            .await
            .map_err(Error::from)
    }))
    .await
}
