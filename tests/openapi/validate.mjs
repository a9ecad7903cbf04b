// Usage: node validate.mjs openapi.json — exits 1 and prints every error when the document is
// not a valid OpenAPI 3.1 description.
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";

const doc = JSON.parse(readFileSync(process.argv[2], "utf8"));
const validator = new Validator();
const result = await validator.validate(doc);
if (validator.version !== "3.1") {
  console.error(`expected OpenAPI 3.1, the validator saw ${validator.version}`);
  process.exit(1);
}
if (!result.valid) {
  console.error(JSON.stringify(result.errors, null, 2));
  process.exit(1);
}
const paths = Object.keys(doc.paths).length;
console.log(`valid OpenAPI ${doc.openapi}: ${paths} paths`);
