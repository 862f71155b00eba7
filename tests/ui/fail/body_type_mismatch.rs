// A body whose value does not match the return type is reported in the body, not on the
// attribute.

#[runtime::main(flavor = "current_thread")]
async fn missing_semicolon() {
    let _ = 1;
    Ok::<(), ()>(())
}

#[runtime::main(flavor = "current_thread")]
async fn missing_ok() -> Result<(), std::io::Error> {
    std::fs::metadata(".")?;
}

#[runtime::main(flavor = "current_thread")]
async fn wrong_return_value() -> u32 {
    return "not a number";
}

fn main() {}
