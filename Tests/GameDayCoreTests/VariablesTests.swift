import Foundation
import GameDayRuntime
import Testing

@testable import GameDayCore

/// `--var-file` files (a flat mapping of names to scalars, every problem at its key or value),
/// which value wins, which names are secret, and what a result records.
@Suite struct VariablesTests {
    @Test func readsNamesValuesTypesAndWhereEachWasGiven() throws {
        let variables = try DrillLoader.parseVariables(
            yaml: "# staging\nunit: beijing\nport: 9311\nuser_id: \"6000\"\napi-token: 's3cr3t'\nempty: \"\"\n",
            file: "vars.yaml")
        #expect(variables.map(\.name) == ["unit", "port", "user_id", "api-token", "empty"])
        #expect(variables.map(\.value) == ["beijing", "9311", "6000", "s3cr3t", ""])
        #expect(variables.map(\.isTyped) == [true, true, false, false, false])
        #expect(
            variables.map(\.origin.description) == [
                "vars.yaml:2:1", "vars.yaml:3:1", "vars.yaml:4:1", "vars.yaml:5:1", "vars.yaml:6:1",
            ])
        #expect(variables.map(\.isSecret) == [false, false, false, true, false])
        #expect(try DrillLoader.parseVariables(yaml: "# nothing yet\n", file: "vars.yaml").isEmpty)
    }

    @Test func refusesWhatIsNotAFlatMappingOfNamedValues() {
        let list = #expect(throws: DiagnosticsError.self) {
            try DrillLoader.parseVariables(yaml: "- unit: beijing\n", file: "vars.yaml")
        }
        #expect(
            list?.diagnostics.map(\.description) == [
                "vars.yaml:1:1: error: expected a mapping of variables at the top level (such as 'unit: beijing'), "
                    + "found a list"
            ])
        let entries = #expect(throws: DiagnosticsError.self) {
            try DrillLoader.parseVariables(
                yaml: "unit: beijing\nbad name: 1\nports: [1, 2]\nnothing:\nunit: hangzhou\n", file: "vars.yaml")
        }
        #expect(
            entries?.diagnostics.map(\.description) == [
                "vars.yaml:2:1: error: variable name 'bad name' may only hold letters, digits, '_' and '-' "
                    + "(such as 'unit' or 'api_token')",
                "vars.yaml:3:8: error: expected a value for variable 'ports' (text, a number or true/false; \"\" for "
                    + "empty), found a list",
                "vars.yaml:4:9: error: expected a value for variable 'nothing' (text, a number or true/false; \"\" for "
                    + "empty), found nothing",
                "vars.yaml:5:1: error: duplicate key 'unit' in the var file; first given at line 1",
            ])
        let broken = #expect(throws: DiagnosticsError.self) {
            try DrillLoader.parseVariables(yaml: "unit: \"beijing\n", file: "vars.yaml")
        }
        #expect(broken?.diagnostics.count == 1)
        let missing = #expect(throws: DiagnosticsError.self) {
            try DrillLoader.loadVariables(path: "/nonexistent/vars.yaml")
        }
        #expect(
            missing?.diagnostics.first?.location == SourceLocation(file: "/nonexistent/vars.yaml", line: 1, column: 1))
    }

    @Test func aLaterVariableOfTheSameNameWins() {
        var variables = Variables([
            .init(name: "unit", value: "beijing", origin: .file(SourceLocation(file: "a.yaml", line: 1, column: 1))),
            .init(name: "unit", value: "hangzhou", origin: .file(SourceLocation(file: "b.yaml", line: 2, column: 1))),
        ])
        #expect(variables["unit"]?.value == "hangzhou")
        #expect(variables["unit"]?.origin.description == "b.yaml:2:1")
        variables.add(.init(name: "unit", value: "shanghai", origin: .argument))
        #expect(variables["unit"]?.value == "shanghai")
        #expect(variables.names == ["unit"])
    }

    @Test func secretsAreKnownByTheirNamesAndNeverShown() {
        for name in ["api_token", "DB_PASSWORD", "secret", "ldap-passwd", "aws_credentials", "Token"] {
            #expect(Variables.isSecret(name), "\(name)")
        }
        for name in ["unit", "token_url", "tokens", "password_hint", "user"] {
            #expect(!Variables.isSecret(name), "\(name)")
        }
        let variables = Variables([
            .init(name: "api_token", value: "s3cr3t", origin: .argument),
            .init(name: "unit", value: "beijing", origin: .argument),
        ])
        #expect(variables.shown == ["api_token": "***", "unit": "beijing"])
    }

    @Test func aResultRecordsTheVariablesShownAndOlderResultsHaveNone() throws {
        var result = try RunResult.read(
            Data(contentsOf: URL(fileURLWithPath: Fixture.path("results/v3-storefront-strong-dependency.json"))))
        #expect(result.variables.isEmpty)
        result.variables =
            Variables([
                .init(name: "api_token", value: "s3cr3t", origin: .argument),
                .init(name: "unit", value: "beijing", origin: .argument),
            ]).shown
        let data = try ResultArchive.encode(result)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["variables"] as? [String: String] == ["api_token": "***", "unit": "beijing"])
        #expect(try RunResult.read(data).variables == result.variables)
        #expect(!String(decoding: data, as: UTF8.self).contains("s3cr3t"))
    }
}
