#[runtime::main(worker_threads = 0)]
async fn zero() {}

#[runtime::main(flavor = "current_thread", worker_threads = 2)]
async fn with_current_thread() {}

#[runtime::test(worker_threads = 2)]
async fn with_the_default_test_flavor() {}

#[runtime::main(worker_threads = "4")]
async fn not_an_integer() {}

#[runtime::main(worker_threads = -1)]
async fn negative() {}

fn main() {}
