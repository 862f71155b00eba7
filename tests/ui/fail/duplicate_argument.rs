#[runtime::main(flavor = "current_thread", flavor = "multi_thread")]
async fn flavor_twice() {}

#[runtime::main(worker_threads = 2, worker_threads = 2)]
async fn worker_threads_twice() {}

fn main() {}
