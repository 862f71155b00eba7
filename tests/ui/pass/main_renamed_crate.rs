// `crate = "path"` makes the expansion call `path::Builder`: here a module that records
// that it was used, for users whose dependency is not named `runtime`.

use std::sync::atomic::{AtomicBool, Ordering};

static USED: AtomicBool = AtomicBool::new(false);

mod my_runtime {
    pub struct Builder;

    impl Builder {
        pub fn new_current_thread() -> runtime::Builder {
            super::USED.store(true, Ordering::SeqCst);
            runtime::Builder::new_current_thread()
        }
    }

    use std::sync::atomic::Ordering;
}

#[runtime::main(crate = "my_runtime", flavor = "current_thread")]
async fn entry() -> u8 {
    7
}

#[runtime::main(crate = "crate::my_runtime", flavor = "current_thread")]
async fn entry_by_absolute_path() -> u8 {
    8
}

fn main() {
    assert_eq!(entry(), 7);
    assert!(USED.load(Ordering::SeqCst));
    assert_eq!(entry_by_absolute_path(), 8);
}
