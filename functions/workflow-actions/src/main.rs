use lambda_http::{run, service_fn, tracing, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let app = shared::App::from_env().await?;
    run(service_fn(|req| workflow_actions::handle(&app, req))).await
}
