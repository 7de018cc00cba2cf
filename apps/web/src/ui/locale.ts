/** The language the page is written in (index.html's lang). Dates and times are written in it too, not in the
 * browser's default, so an English page in a German browser does not say "Beigetreten Dezember" mid-sentence. */
export const pageLocale = 'en';
