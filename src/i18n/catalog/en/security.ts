/** English texts: security (src/i18n). The key structure here is the one every language follows. */
export default {};
