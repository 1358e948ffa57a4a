/**
 * What the bridge takes in one upload (its MAX_ATTACHMENT_BYTES, MAX_FILES_PER_UPLOAD and
 * MAX_CSV_BYTES; a bridge test compares). The proxy refuses more itself, naming the file, rather
 * than send megabytes the bridge would refuse.
 */
export const UPLOAD_LIMITS = {
  fileBytes: 10 * 1024 * 1024,
  files: 20,
  csvBytes: 8 * 1024 * 1024,
} as const;

/** The only types a `file` answer is passed on with (attachments, CSV exports). */
export const ANSWER_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'text/csv'] as const;
