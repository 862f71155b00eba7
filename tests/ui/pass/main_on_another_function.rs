// Like tokio, the attribute may start a runtime for any function, with parameters and a
// return value; such a function is called from synchronous code.

#[runtime::main(flavor = "current_thread")]
async fn double(n: u32) -> u32 {
    async move { n * 2 }.await
}

fn main() {
    assert_eq!(double(21), 42);
    assert_eq!(double(1), 2);
}
