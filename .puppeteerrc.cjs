// Never download a browser: whatsapp-web.js drives Debian's Chromium (CHROMIUM_PATH).
module.exports = { skipDownload: true };
