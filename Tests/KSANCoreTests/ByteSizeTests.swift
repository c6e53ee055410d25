import KSANCore
import Testing

@Suite("Byte sizes")
struct ByteSizeTests {
    @Test("sizes in bytes and powers of 1024, either case, blanks ignored; nothing else")
    func parse() {
        #expect(ByteSize.parse("4096") == 4096)
        #expect(ByteSize.parse("4K") == 4096)
        #expect(ByteSize.parse(" 64m ") == 64 << 20)
        #expect(ByteSize.parse("10G") == 10 << 30)
        #expect(ByteSize.parse("1T") == 1 << 40)
        for bad in ["", "M", "-1", "1.5G", "1Q", "99999999999T"] { #expect(ByteSize.parse(bad) == nil, "\(bad)") }
    }
}
