/// Arithmetic in GF(2⁸) as QR codes define it: the field built on the primitive polynomial
/// x⁸ + x⁴ + x³ + x² + 1 (0x11D) with generator α = 2. Addition is XOR; multiplication goes
/// through logarithm tables built once.
enum GF256 {
    /// exp[i] = αⁱ for i in 0..<255, repeated once so exp[log a + log b] needs no modulo.
    static let exp: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for i in 0..<255 {
            table[i] = UInt8(value)
            table[i + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        return table
    }()

    /// log[a] for a ≠ 0 (log[0] is unused).
    static let log: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for i in 0..<255 { table[Int(exp[i])] = i }
        return table
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        guard a != 0, b != 0 else { return 0 }
        return exp[log[Int(a)] + log[Int(b)]]
    }
}

/// Reed–Solomon error-correction codewords for one block, as ISO/IEC 18004 §7.5.2
/// specifies: the data polynomial times x^degree, divided by the generator polynomial
/// g(x) = (x − α⁰)(x − α¹)…(x − α^(degree−1)); the remainder is the error correction.
enum QRReedSolomon {
    /// g(x)'s coefficients from x^(degree−1) down to x⁰; the leading coefficient (1, the
    /// polynomial is monic) is left out because the division never needs it.
    static func generator(degree: Int) -> [UInt8] {
        precondition((1...254).contains(degree))
        // Start from g(x) = 1 and multiply by (x − αⁱ) = (x + αⁱ) for each root.
        var coefficients = [UInt8](repeating: 0, count: degree)
        coefficients[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                coefficients[j] = GF256.multiply(coefficients[j], root)
                if j + 1 < degree { coefficients[j] ^= coefficients[j + 1] }
            }
            root = GF256.multiply(root, 2)
        }
        return coefficients
    }

    /// The `generator.count` error-correction codewords for `data`.
    static func remainder(of data: [UInt8], generator: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ result[0]
            result.removeFirst()
            result.append(0)
            for j in 0..<result.count {
                result[j] ^= GF256.multiply(generator[j], factor)
            }
        }
        return result
    }
}
