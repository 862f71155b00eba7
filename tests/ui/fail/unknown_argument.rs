#[runtime::main(threads = 4)]
async fn misspelled() {}

#[runtime::test(current_thread)]
async fn flavor_without_its_name() {}

#[runtime::main(flavor = "current_thread", verbose)]
async fn flag() {}

fn main() {}
