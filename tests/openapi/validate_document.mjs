// swagger-parser validate of the API document (ctest openapi.lint):
//   node validate_document.mjs OPENAPI_YAML
// Exits 1 with swagger-parser's message when the document is not valid OpenAPI (schema of the
// document, $refs that resolve, unique operation ids, path parameters declared).
import SwaggerParser from '@apidevtools/swagger-parser';

const [documentPath] = process.argv.slice(2);
if (!documentPath) {
  console.error('usage: node validate_document.mjs OPENAPI_YAML');
  process.exit(2);
}
try {
  const api = await SwaggerParser.validate(documentPath);
  console.log(`${documentPath}: valid ${api.info.title} ${api.info.version} ` +
    `(OpenAPI ${api.openapi}, ${Object.keys(api.paths).length} paths)`);
} catch (error) {
  console.error(`${documentPath}: ${error.message}`);
  process.exit(1);
}
