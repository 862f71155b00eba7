// `#[runtime::main]` on the program's `main`, with a task spawned from the body.

#[runtime::main(flavor = "current_thread")]
async fn main() {
    let handle = runtime::spawn(async { 6 * 7 });
    let answer = handle.await.expect("the task completes");
    assert_eq!(answer, 42);
}
