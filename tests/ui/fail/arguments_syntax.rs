#[runtime::main(flavor = )]
async fn missing_value() {}

fn main() {}
