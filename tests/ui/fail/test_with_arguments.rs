#[runtime::test]
async fn with_arguments(n: u32, name: &str) {
    let _ = (n, name);
}

fn main() {}
