// Errors in the body are reported in the body, not on the attribute.

#[runtime::main(flavor = "current_thread")]
async fn main() {
    let n: u32 = "not a number";
    undefined_function(n);
}
