// @asyncapi/html-template (the catalog benchmark's baseline) depends on puppeteer for PDF
// output we never use; its install script would download a Chrome build, which this
// network does not allow. The catalog's browser tests drive Debian's chromium instead.
module.exports = { skipDownload: true };
