#[runtime::main(start_paused = true)]
async fn with_the_default_main_flavor() {}

#[runtime::test(flavor = "multi_thread", start_paused = true)]
async fn with_multi_thread() {}

#[runtime::test(start_paused = "yes")]
async fn not_a_boolean() {}

fn main() {}
