fn main() {
    println!("amitop");
}
