// A `crate` that does not resolve is reported on the string that names it.

#[runtime::main(flavor = "current_thread", crate = "no_such_crate")]
async fn main() {}
