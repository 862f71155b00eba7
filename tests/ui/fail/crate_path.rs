#[runtime::main(crate = runtime)]
async fn not_a_string() {}

#[runtime::main(crate = "not a path")]
async fn not_a_path() {}

fn main() {}
