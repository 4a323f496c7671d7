package io.callarchive.kibana;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Evaluates the {@code tinymathAst} of a Lens math column (the compiled form of a formula, Kibana's tinymath
 * library): numbers, column ids and the arithmetic functions our formulas use. A division by zero or a missing
 * operand gives null, which Kibana shows as an empty cell. Stateless; thread-safe.
 */
final class Tinymath {
  private Tinymath() {}

  static Double eval(JsonNode ast, Function<String, Double> column) {
    if (ast.isNumber()) return ast.asDouble();
    if (ast.isTextual()) return column.apply(ast.asText());
    if (ast.path("type").asText().equals("variable")) return column.apply(ast.path("value").asText());
    if (!ast.path("type").asText().equals("function")) {
      throw new IllegalArgumentException("unsupported tinymath node " + ast);
    }
    List<Double> args = new ArrayList<>();
    for (JsonNode a : ast.path("args")) args.add(eval(a, column));
    if (args.contains(null)) return null;
    return switch (ast.path("name").asText()) {
      case "add" -> args.stream().mapToDouble(Double::doubleValue).sum();
      case "subtract" -> args.get(0) - args.get(1);
      case "multiply" -> args.stream().reduce(1.0, (x, y) -> x * y);
      case "divide" -> args.get(1) == 0 ? null : args.get(0) / args.get(1);
      default -> throw new IllegalArgumentException("unsupported tinymath function " + ast.path("name").asText());
    };
  }
}
