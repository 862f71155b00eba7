// `-> Result<(), E>` is kept, so `?` and an early `return` work in the body.

use std::error::Error;

#[runtime::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let n: u32 = async { "42" }.await.parse()?;
    if n == 42 {
        return Ok(());
    }
    Err("the early `return` did not leave the body".into())
}
