// Runs static/js/read-aloud.js's readingList on a page that Python parsed into a tree
// (tests/read_aloud.py): stdin is the tree as JSON, stdout the texts to read, as JSON.
// The script asks a node only for nodeType, tagName, childNodes, nodeValue and getAttribute,
// which is all these plain objects offer.
'use strict';
const fs = require('fs');
const readAloud = require(process.argv[2]);

function build(node) {
  if (typeof node === 'string') return {nodeType: 3, nodeValue: node, childNodes: []};
  return {
    nodeType: 1,
    tagName: node.tag.toUpperCase(),
    childNodes: node.children.map(build),
    getAttribute(name) {
      return Object.prototype.hasOwnProperty.call(node.attrs, name) ? node.attrs[name] : null;
    },
  };
}

function find(node) {
  if (node.nodeType !== 1) return null;
  if (node.getAttribute('data-read-aloud') !== null) return node;
  for (const child of node.childNodes) {
    const found = find(child);
    if (found) return found;
  }
  return null;
}

const root = find(build(JSON.parse(fs.readFileSync(0, 'utf8'))));
if (!root) throw new Error('no element with data-read-aloud on the page');
process.stdout.write(JSON.stringify(readAloud.texts(root)));
