#[runtime::main(flavor = "single_thread")]
async fn unknown() {}

#[runtime::main(flavor = current_thread)]
async fn not_a_string() {}

fn main() {}
