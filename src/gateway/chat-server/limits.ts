/**
 * Chat Server `[client-file-transfer]` limits (domain/gms.md §1.6, S6) and the counters the
 * seed's fileGetLimits output reports. Defaults: S6 for the three size/count options, the
 * seed's fileGetLimits example for the rest.
 */

export interface FileLimits {
  /** Maximum number of times one file can be downloaded during the session. */
  downloadAttempts: number;
  /** Maximum number of files the client can upload during the session. */
  uploadMaxFiles: number;
  /** Bytes; one file. */
  uploadMaxFileSize: number;
  /** Bytes; all files of the session. */
  uploadMaxTotalSize: number;
  /** An agent must have joined before the client may upload. */
  uploadNeedAgent: boolean;
  /** Allowed extensions, lower case, without dots. */
  uploadFileTypes: string[];
  /**
   * Whether deleting a file gives its slot back (decrements used-upload-max-files). The seed's
   * example shows the unexplained value "odd"; only "true" gives the slot back here.
   */
  deleteFile: string;
}

export const DEFAULT_FILE_LIMITS: Readonly<FileLimits> = {
  downloadAttempts: 10,
  uploadMaxFiles: 3,
  uploadMaxFileSize: 2_097_152,
  uploadMaxTotalSize: 5_242_880,
  uploadNeedAgent: true,
  uploadFileTypes: 'bmp:csv:doc:docx:gif:htm:jpg:pdf:png:ppt:pptx:tif:txt:xls:xlsx'.split(':'),
  deleteFile: 'false',
};

/** S6 bounds: counts 0-1000, sizes 0-1073741823 bytes. */
const BOUNDS: Record<string, [number, number]> = {
  'download-attempts': [0, 1000],
  'upload-max-files': [0, 1000],
  'upload-max-file-size': [0, 1_073_741_823],
  'upload-max-total-size': [0, 1_073_741_823],
};

/** Read `[client-file-transfer]`-style options; throws with the option name on a bad value. */
export function parseFileLimits(
  options: Record<string, string>,
  base: FileLimits = DEFAULT_FILE_LIMITS,
): FileLimits {
  const out: FileLimits = { ...base, uploadFileTypes: [...base.uploadFileTypes] };
  const int = (key: string): number | undefined => {
    const v = options[key];
    if (v === undefined) return undefined;
    const [min, max] = BOUNDS[key] as [number, number];
    if (!/^\d+$/.test(v.trim()) || Number(v) < min || Number(v) > max)
      throw new Error(`${key}=${v}: must be an integer from ${min} to ${max}`);
    return Number(v);
  };
  out.downloadAttempts = int('download-attempts') ?? out.downloadAttempts;
  out.uploadMaxFiles = int('upload-max-files') ?? out.uploadMaxFiles;
  out.uploadMaxFileSize = int('upload-max-file-size') ?? out.uploadMaxFileSize;
  out.uploadMaxTotalSize = int('upload-max-total-size') ?? out.uploadMaxTotalSize;
  const need = options['upload-need-agent'];
  if (need !== undefined) {
    if (need !== 'true' && need !== 'false')
      throw new Error(`upload-need-agent=${need}: must be true or false`);
    out.uploadNeedAgent = need === 'true';
  }
  const types = options['upload-file-types'];
  if (types !== undefined) {
    const list = types
      .split(':')
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t !== '');
    for (const t of list)
      if (!/^[a-z0-9]{1,10}$/.test(t))
        throw new Error(`upload-file-types: "${t}" is not a file extension`);
    out.uploadFileTypes = list;
  }
  const del = options['delete-file'];
  if (del !== undefined) {
    if (!/^[a-z]{1,10}$/.test(del))
      throw new Error(`delete-file=${del}: must be a word such as true or false`);
    out.deleteFile = del;
  }
  return out;
}

export interface FileCounters {
  uploadedFiles: number;
  uploadedBytes: number;
  downloads: number;
}

/** The seed's fileGetLimits `userData`: every value a string. */
export function limitsReport(l: FileLimits, c: FileCounters): Record<string, string> {
  return {
    'download-attempts': String(l.downloadAttempts),
    'upload-max-files': String(l.uploadMaxFiles),
    'delete-file': l.deleteFile,
    'upload-max-file-size': String(l.uploadMaxFileSize),
    'used-download-attempts': String(c.downloads),
    'used-upload-max-total-size': String(c.uploadedBytes),
    'upload-need-agent': String(l.uploadNeedAgent),
    'used-upload-max-files': String(c.uploadedFiles),
    'upload-max-total-size': String(l.uploadMaxTotalSize),
    'upload-file-types': l.uploadFileTypes.join(':'),
  };
}

/** The extension of an uploaded file's name, lower case, or '' when it has none. */
export function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}
