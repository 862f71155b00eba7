#[runtime::main]
fn main() {}

#[runtime::test]
fn not_async_test() {}
