import Foundation
import GameDayCore

/// The little data the unit services serve: enough to see which unit answered and for whom.
struct Product: Codable, Sendable, Hashable {
    var id: String
    var name: String
    var price: Double
}

/// `GET /products?userId=N` of a unit's product service.
struct ProductList: Codable, Sendable, Hashable {
    var unit: String
    var userId: LabUserKey
    var products: [Product]

    static func sample(unit: String, userId: LabUserKey) -> ProductList {
        ProductList(
            unit: unit, userId: userId,
            products: [
                Product(id: "p-1", name: "Noodles", price: 12.5),
                Product(id: "p-2", name: "Dumplings", price: 18),
                Product(id: "p-3", name: "Tea", price: 6),
            ])
    }
}

/// `GET /cart?userId=N` of a unit's cart service.
struct Cart: Codable, Sendable, Hashable {
    struct Item: Codable, Sendable, Hashable {
        var product: String
        var quantity: Int
    }

    var unit: String
    var userId: LabUserKey
    var items: [Item]

    static func sample(unit: String, userId: LabUserKey) -> Cart {
        // Vary by user so a response can be told apart from another user's.
        Cart(
            unit: unit, userId: userId,
            items: [Item(product: "p-\(userId.number % 3 + 1)", quantity: userId.number % 5 + 1)])
    }
}

/// The storefront page: products (strong dependency) and cart (weak dependency).
struct StorefrontPage: Encodable, Sendable {
    var unit: String
    var userId: LabUserKey
    var products: [Product]
    var cart: Cart?
    var degraded: Bool

    enum CodingKeys: String, CodingKey { case unit, userId, products, cart, degraded }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(unit, forKey: .unit)
        try c.encode(userId, forKey: .userId)
        try c.encode(products, forKey: .products)
        try c.encode(cart, forKey: .cart)  // `"cart":null` when degraded
        try c.encode(degraded, forKey: .degraded)
    }
}

/// A user's key in the lab services' JSON: an integer key as a JSON number (as the lab has always
/// written user ids), any other key (a member id, a location) as a string.
struct LabUserKey: Codable, Sendable, Hashable, CustomStringConvertible {
    var text: String

    init(_ text: String) { self.text = text }

    var description: String { text }

    /// The key as a query parameter value.
    var query: String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text }

    /// A small non-negative number that tells users apart (their cart's contents).
    var number: Int { Int(text).map(abs) ?? Int(KeyHash.crc32.value(of: text) % 1000) }

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let number = try? c.decode(Int.self) {
            text = String(number)
        } else {
            text = try c.decode(String.self)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let number = Int(text), String(number) == text { try c.encode(number) } else { try c.encode(text) }
    }
}
