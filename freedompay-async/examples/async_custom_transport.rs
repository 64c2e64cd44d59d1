//! Your own transport: a closure that logs around the default one. Try it on the sandbox
//! (`freedompay-sandbox --merchant-id 123456 --secret-key TESTSECRET`, `FREEDOMPAY_BASE_URL`).
use freedompay_async::{AsyncClient, Config, HttpRequest, ReqwestTransport, Transport};
use freedompay_async::{payout::Balance, transport_fn};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let inner = ReqwestTransport::new()?;
    let logging = transport_fn(move |request: HttpRequest| {
        let inner = inner.clone();
        async move {
            eprintln!("-> {} {}", request.method(), request.url());
            let outcome = inner.send(request).await;
            eprintln!("<- {:?}", outcome.as_ref().map(|r| r.status()));
            outcome
        }
    });
    let url = std::env::var("FREEDOMPAY_BASE_URL").unwrap_or("http://127.0.0.1:8080".into());
    let config = Config::builder()
        .merchant_id("123456")
        .secret_key("TESTSECRET")
        .payout_secret_key("TESTPAYOUTSECRET")
        .base_url(url)
        .build()?;
    let client = AsyncClient::with_transport(config, logging);
    let result = client.balance(Balance::new()).await;
    println!("{:?}", result.map(|info| info.balance.to_string()));
    Ok(())
}
