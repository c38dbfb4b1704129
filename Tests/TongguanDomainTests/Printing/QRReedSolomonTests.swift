import Testing

@testable import TongguanDomain

@Suite("QR Reed–Solomon over GF(256)")
struct QRReedSolomonTests {
    /// Carry-less multiplication reduced by 0x11D, bit by bit: a second, table-free
    /// implementation of the field to check the log tables against.
    private static func slowMultiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var product = 0
        for bit in 0..<8 where b >> bit & 1 == 1 { product ^= Int(a) << bit }
        for bit in stride(from: 15, through: 8, by: -1) where product >> bit & 1 == 1 {
            product ^= 0x11D << (bit - 8)
        }
        return UInt8(product)
    }

    @Test("field multiplication agrees with carry-less multiplication modulo 0x11D")
    func multiplicationTable() {
        for a in 0...255 {
            for b in stride(from: 0, through: 255, by: 7) {
                #expect(GF256.multiply(UInt8(a), UInt8(b)) == Self.slowMultiply(UInt8(a), UInt8(b)))
            }
        }
        #expect(GF256.multiply(2, 128) == 0x1D)
        #expect(GF256.multiply(0, 77) == 0)
    }

    @Test("α = 2 generates all 255 non-zero elements")
    func alphaIsPrimitive() {
        #expect(Set(GF256.exp[0..<255]).count == 255)
        #expect(!GF256.exp[0..<255].contains(0))
        #expect(GF256.exp[255] == 1)
    }

    @Test("the generator polynomial of degree n vanishes at α⁰ … αⁿ⁻¹", arguments: [7, 10, 16, 18, 22, 24, 26, 28, 30])
    func generatorRoots(_ degree: Int) {
        let coefficients: [UInt8] = [1] + QRReedSolomon.generator(degree: degree)
        for i in 0..<degree {
            let root = GF256.exp[i]
            let value = coefficients.reduce(UInt8(0)) { GF256.multiply($0, root) ^ $1 }
            #expect(value == 0, "g(α^\(i)) ≠ 0")
        }
        let notRoot = GF256.exp[degree]
        #expect(coefficients.reduce(UInt8(0)) { GF256.multiply($0, notRoot) ^ $1 } != 0)
    }

    @Test("the degree-18 generator matches the published α exponents")
    func generator18() {
        // thonky.com's QR tutorial, generator for 18 error-correction codewords (leading α⁰ omitted).
        let exponents = [215, 234, 158, 94, 184, 97, 118, 170, 79, 187, 152, 148, 252, 179, 5, 98, 96, 153]
        #expect(QRReedSolomon.generator(degree: 18) == exponents.map { GF256.exp[$0] })
    }

    @Test("HELLO WORLD at 1-M: the published error-correction codewords")
    func helloWorld() {
        // The worked example of thonky.com's tutorial (alphanumeric "HELLO WORLD", version 1-M).
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        let ecc = QRReedSolomon.remainder(of: data, generator: QRReedSolomon.generator(degree: 10))
        #expect(ecc == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    @Test("01234567 at 1-M: the error-correction codewords of ISO/IEC 18004 Annex I")
    func isoAnnexExample() {
        let data: [UInt8] = [16, 32, 12, 86, 97, 128, 236, 17, 236, 17, 236, 17, 236, 17, 236, 17]
        let ecc = QRReedSolomon.remainder(of: data, generator: QRReedSolomon.generator(degree: 10))
        #expect(ecc == [165, 36, 212, 193, 237, 54, 199, 135, 44, 85])
    }

    @Test("5-Q block 1: the published 18 error-correction codewords")
    func fiveQBlock() {
        let data: [UInt8] = [67, 85, 70, 134, 87, 38, 85, 194, 119, 50, 6, 18, 6, 103, 38]
        let ecc = QRReedSolomon.remainder(of: data, generator: QRReedSolomon.generator(degree: 18))
        #expect(ecc == [213, 199, 11, 45, 115, 247, 241, 223, 229, 248, 154, 117, 154, 111, 86, 161, 111, 39])
    }

    @Test("a codeword (data followed by its remainder) is a multiple of the generator")
    func codewordIsDivisible() {
        let generator = QRReedSolomon.generator(degree: 26)
        let data = (0..<44).map { UInt8(($0 * 37 + 11) % 256) }
        let codeword = data + QRReedSolomon.remainder(of: data, generator: generator)
        for i in 0..<26 {
            let root = GF256.exp[i]
            #expect(codeword.reduce(UInt8(0)) { GF256.multiply($0, root) ^ $1 } == 0)
        }
    }
}
