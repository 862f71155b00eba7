// Every accepted combination of arguments compiles. These functions are not run: the
// multi-thread runtime and paused time may not be available yet, and this case is about the
// expansion, not the runtime.

#[runtime::main]
async fn default_flavor() {}

#[runtime::main(flavor = "multi_thread")]
async fn multi_thread() {}

#[runtime::main(worker_threads = 4)]
async fn worker_threads() {}

#[runtime::main(flavor = "multi_thread", worker_threads = 2)]
async fn multi_thread_with_worker_threads() {}

#[runtime::main(flavor = "multi_thread", start_paused = false)]
async fn multi_thread_not_paused() {}

#[runtime::main(flavor = "current_thread", start_paused = true)]
async fn current_thread_paused() {}

#[runtime::main(start_paused = false, flavor = "current_thread", crate = "::runtime")]
async fn all_arguments() {}

#[runtime::main]
async fn returns_a_result() -> Result<u8, String> {
    Ok(1)
}

fn main() {
    let entries: [fn(); 7] = [
        default_flavor,
        multi_thread,
        worker_threads,
        multi_thread_with_worker_threads,
        multi_thread_not_paused,
        current_thread_paused,
        all_arguments,
    ];
    let _ = entries;
    let _: fn() -> Result<u8, String> = returns_a_result;
}
