// Checks every answer the integration tests received against docs/openapi.yaml.
//
//   node validate_answers.mjs OPENAPI_YAML ANSWERS_DIR
//
// ANSWERS_DIR holds the `*.jsonl` files the test HTTP client writes when DIALTRACK_API_ANSWERS
// is set (tests/support/answer_log.hpp): one line per answer,
// {"method", "path", "status", "content_type", "body"}. Each answer is matched to the operation
// of the document whose path template fits its path (a literal segment beats a parameter; an
// empty segment fills a parameter, as in the router, which answers it 400), and
// then to the response for its status (else `4XX`/`5XX`, else `default`):
// - the status must be documented for that operation;
// - a JSON body must match the response's application/json schema, with no property the schema
//   does not name (objects the document leaves open, such as a lead's attrs, excepted), so a
//   field the program adds without documenting it fails too;
// - any other body must be of a documented media type.
// An answer to a path or method the document does not have (the router's 404 and 405), or to
// bytes that were not a request, must be an error envelope (components.schemas.Error).
// Exits 1 listing every mismatch (operation, status, where in the body, what), grouped; exits 2
// when there is nothing to check. Prints how many answers were checked and which operations
// the tests never reached.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';

const [documentPath, answersDir] = process.argv.slice(2);
if (!documentPath || !answersDir) {
  console.error('usage: node validate_answers.mjs OPENAPI_YAML ANSWERS_DIR');
  process.exit(2);
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

// OpenAPI 3.0 schema -> JSON Schema 2019-09. `nullable` becomes a `null` type; keywords only
// OpenAPI knows are dropped. An object schema that is not itself a branch of allOf/oneOf/anyOf
// gets `unevaluatedProperties: false` unless it says what extra properties may hold, so the
// properties of all its branches together are the only ones allowed.
function toJsonSchema(schema, isBranch = false) {
  if (schema === null || typeof schema !== 'object') {
    return schema;
  }
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (['nullable', 'example', 'discriminator', 'xml', 'externalDocs'].includes(key) ||
        key.startsWith('x-')) {
      continue;
    }
    if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, toJsonSchema(sub)]));
    } else if (['allOf', 'oneOf', 'anyOf'].includes(key)) {
      out[key] = value.map((sub) => toJsonSchema(sub, true));
    } else if (['items', 'not', 'additionalProperties'].includes(key) && typeof value === 'object') {
      out[key] = toJsonSchema(value);
    } else {
      out[key] = value;
    }
  }
  const composite = out.properties || out.allOf || out.oneOf || out.anyOf;
  if (!isBranch && composite && !('additionalProperties' in schema)) {
    out.unevaluatedProperties = false;
  }
  if (schema.nullable === true) {
    if (out.type) {
      out.type = [out.type, 'null'];
      if (out.enum && !out.enum.includes(null)) {
        out.enum = [...out.enum, null];
      }
    } else {
      return { anyOf: [out, { type: 'null' }] };
    }
  }
  return out;
}

function templateRegex(template) {
  const pattern = template
    .split('/')
    .map((segment) => (/^\{[^}]+\}$/.test(segment)
      ? '[^/]*'
      : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${pattern}$`);
}

function readAnswers(dir) {
  const answers = [];
  if (!existsSync(dir)) {
    return answers;  // no test wrote an answer: said below
  }
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort()) {
    const lines = readFileSync(path.join(dir, name), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') {
        return;
      }
      try {
        answers.push(JSON.parse(line));
      } catch (error) {
        answers.push({ unreadable: `${name}:${i + 1}: ${error.message}` });
      }
    });
  }
  return answers;
}

const api = await SwaggerParser.validate(documentPath);
const ajv = new Ajv2019({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addFormat('int64', { type: 'number', validate: (n) => Number.isInteger(n) });
ajv.addFormat('int32', { type: 'number', validate: (n) => Number.isInteger(n) });

const operations = [];
for (const [template, item] of Object.entries(api.paths)) {
  const literals = template.split('/').filter((s) => s && !s.startsWith('{')).length;
  for (const method of METHODS) {
    if (item[method]) {
      operations.push({
        name: `${method.toUpperCase()} ${template}`,
        template,
        method: method.toUpperCase(),
        regex: templateRegex(template),
        literals,
        responses: item[method].responses,
      });
    }
  }
}

const validators = new Map();
function validatorFor(key, schema) {
  if (!validators.has(key)) {
    validators.set(key, ajv.compile(toJsonSchema(schema)));
  }
  return validators.get(key);
}

const errorSchema = api.components.schemas.Error;
const failures = new Map();  // "operation status: problem" -> {count, example path}
function fail(where, problem, answerPath) {
  const key = `${where}: ${problem}`;
  const seen = failures.get(key) ?? { count: 0, example: answerPath };
  seen.count += 1;
  failures.set(key, seen);
}

function checkBody(where, key, schema, answer) {
  const validate = validatorFor(key, schema);
  if (!validate(answer.body)) {
    for (const error of validate.errors) {
      const detail = error.params?.unevaluatedProperty ?? error.params?.missingProperty ??
        error.params?.allowedValues ?? error.params?.type ?? error.params?.format;
      const extra = detail === undefined ? '' : ` (${JSON.stringify(detail)})`;
      fail(where, `body${error.instancePath} ${error.message}${extra}`, answer.path);
    }
  }
}

const answers = readAnswers(answersDir);
if (answers.length === 0) {
  console.error(`no answers in ${answersDir}: run this check with the integration tests (ctest -L 'integration|docs'), which log them when DIALTRACK_API_ANSWERS is set`);
  process.exit(2);
}

const reached = new Map();  // operation -> Set of statuses
let jsonBodies = 0;
let unrouted = 0;
for (const answer of answers) {
  if (answer.unreadable) {
    fail('answers file', `unreadable line ${answer.unreadable}`, '');
    continue;
  }
  if (answer.body !== null) {
    jsonBodies += 1;
  }
  const requestPath = answer.path.split('?')[0];
  const onPath = operations.filter((op) => op.regex.test(requestPath));
  const best = Math.max(-1, ...onPath.map((op) => op.literals));
  const operation = onPath.find((op) => op.literals === best && op.method === answer.method);
  if (!operation) {
    // The router's own answers: no such path (404) or no such method on it (405), and answers
    // to bytes that were no request at all. They carry the error envelope.
    unrouted += 1;
    const where = `${answer.method || '(no request)'} ${requestPath || ''} (not in the document)`;
    if (answer.status < 400) {
      fail(where, `HTTP ${answer.status} for an operation the document does not have`, answer.path);
    } else if (answer.body !== null) {
      checkBody(`${where} ${answer.status}`, 'Error', errorSchema, answer);
    }
    continue;
  }
  const status = String(answer.status);
  const statuses = reached.get(operation.name) ?? new Set();
  statuses.add(status);
  reached.set(operation.name, statuses);
  const where = `${operation.name} ${status}`;
  const documented = operation.responses[status] ?? operation.responses[`${status[0]}XX`] ??
    operation.responses.default;
  if (!documented) {
    fail(where, 'status not documented', answer.path);
    continue;
  }
  const mediaType = (answer.content_type ?? '').split(';')[0].trim().toLowerCase();
  if (answer.body === null) {
    if (mediaType === 'application/json') {
      fail(where, 'Content-Type application/json but the body is not JSON', answer.path);
    } else if (mediaType !== '' && documented.content && !documented.content[mediaType]) {
      fail(where, `media type ${mediaType} not documented`, answer.path);
    }
    continue;
  }
  const json = documented.content?.['application/json'];
  if (!json?.schema) {
    fail(where, `a JSON answer (Content-Type ${mediaType || 'none'}) where none is documented`,
      answer.path);
    continue;
  }
  checkBody(where, `${operation.name} ${status}`, json.schema, answer);
}

const statusCount = [...reached.values()].reduce((n, s) => n + s.size, 0);
console.log(`${answers.length} answers checked (${jsonBodies} JSON bodies validated), ` +
  `${reached.size} of ${operations.length} operations reached with ${statusCount} ` +
  `operation-status pairs, ${unrouted} answers outside the document's operations`);
const unreached = operations.filter((op) => !reached.has(op.name)).map((op) => op.name);
if (unreached.length > 0) {
  console.log(`operations no test reached: ${unreached.join(', ')}`);
}
if (failures.size > 0) {
  console.error(`\n${failures.size} mismatches between the answers and ${documentPath}:`);
  for (const [key, { count, example }] of [...failures.entries()].sort()) {
    console.error(`  ${key}  [${count} answer(s), e.g. ${example}]`);
  }
  process.exit(1);
}
console.log('every answer matches the document');
