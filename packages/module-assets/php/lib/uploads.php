<?php
namespace CommitmentForecaster;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/*
 * Files both ways: an upload from the admin's browser ($_FILES) forwarded to the bridge as its
 * multipart `file` fields or as a text/csv body, and a file the bridge answers (an attachment, a
 * CSV export) passed on as bytes. The limits are the bridge's (upload_limits(), generated): the
 * proxy refuses more itself, naming the file, so that megabytes the bridge would refuse are never
 * sent and the admin reads which file and why.
 */

/** Bytes as people read them: 10.0 MB, 512 KB. */
function format_bytes($bytes)
{
    if ($bytes >= 1024 * 1024) {
        return number_format($bytes / (1024 * 1024), 1) . ' MB';
    }
    return max(1, (int) round($bytes / 1024)) . ' KB';
}

/** A php.ini size (`8M`, `2G`, `512K`, bytes) in bytes. */
function ini_bytes($value)
{
    $value = trim((string) $value);
    $number = (int) $value;
    $unit = strtoupper(substr($value, -1));
    if ($unit === 'G') {
        return $number * 1024 * 1024 * 1024;
    }
    if ($unit === 'M') {
        return $number * 1024 * 1024;
    }
    if ($unit === 'K') {
        return $number * 1024;
    }
    return $number;
}

/**
 * A POST larger than PHP's post_max_size arrives with $_POST and $_FILES empty (the CSRF token
 * too): say that, rather than "security token missing".
 */
function upload_over_post_limit()
{
    $length = isset($_SERVER['CONTENT_LENGTH']) ? (int) $_SERVER['CONTENT_LENGTH'] : 0;
    $limit = ini_bytes(ini_get('post_max_size'));
    if ($length > 0 && $limit > 0 && $length > $limit && empty($_POST) && empty($_FILES)) {
        return proxy_error('upload_too_large', array('limit' => format_bytes($limit), 'setting' => 'post_max_size'));
    }
    return null;
}

/** The uploaded `file` / `file[]` entries as a list of array(name, tmp, size, error). */
function uploaded_files()
{
    if (!isset($_FILES['file']) || !is_array($_FILES['file'])) {
        return array();
    }
    $f = $_FILES['file'];
    if (!is_array($f['name'])) {
        return array(array('name' => (string) $f['name'], 'tmp' => (string) $f['tmp_name'], 'size' => (int) $f['size'], 'error' => (int) $f['error']));
    }
    $files = array();
    foreach (array_keys($f['name']) as $i) {
        if (is_array($f['name'][$i])) {
            continue;
        }
        $files[] = array('name' => (string) $f['name'][$i], 'tmp' => (string) $f['tmp_name'][$i], 'size' => (int) $f['size'][$i], 'error' => (int) $f['error'][$i]);
    }
    return $files;
}

/** A filename as a multipart header value: no quote, no line break can end it early. */
function multipart_name($name)
{
    return str_replace(array('"', "\r", "\n", '\\'), array('%22', '%0D', '%0A', '%5C'), $name);
}

/**
 * The body an upload operation sends: array('ok' => true, 'raw' => array('type', 'body')) or
 * array('ok' => false, 'error' => proxy_error(...)). Every file is checked before any is read.
 */
function upload_body(array $operation)
{
    $limits = upload_limits();
    $files = uploaded_files();
    // PHP drops the files past its max_file_uploads with no more than a warning: the page says
    // how many it sent, so an upload that lost some is refused rather than stored in part.
    $sent = input('files', $_POST);
    $sent = $sent !== null && ctype_digit($sent) ? (int) $sent : count($files);
    $max = $operation['upload'] === 'csv' ? 1 : $limits['files'];
    if ($sent > $max) {
        return array('ok' => false, 'error' => proxy_error('too_many_files', array('count' => $sent, 'limit' => $max)));
    }
    if (!$files) {
        return array('ok' => false, 'error' => proxy_error('no_file', array()));
    }
    if ($sent !== count($files)) {
        return array('ok' => false, 'error' => proxy_error('files_lost', array(
            'sent' => $sent,
            'arrived' => count($files),
            'limit' => (int) ini_get('max_file_uploads'),
        )));
    }
    $maxBytes = $operation['upload'] === 'csv' ? $limits['csvBytes'] : $limits['fileBytes'];
    foreach ($files as $file) {
        if ($file['error'] === UPLOAD_ERR_INI_SIZE || $file['error'] === UPLOAD_ERR_FORM_SIZE) {
            $limit = ini_bytes(ini_get('upload_max_filesize'));
            return array('ok' => false, 'error' => proxy_error('upload_too_large', array('limit' => format_bytes($limit), 'setting' => 'upload_max_filesize')));
        }
        if ($file['error'] === UPLOAD_ERR_NO_FILE) {
            return array('ok' => false, 'error' => proxy_error('no_file', array()));
        }
        if ($file['error'] !== UPLOAD_ERR_OK || !is_uploaded_file($file['tmp'])) {
            return array('ok' => false, 'error' => proxy_error('upload_failed', array('name' => $file['name'], 'code' => $file['error'])));
        }
        if ($file['size'] > $maxBytes) {
            return array('ok' => false, 'error' => proxy_error('file_too_large', array(
                'name' => $file['name'],
                'size' => format_bytes($file['size']),
                'limit' => format_bytes($maxBytes),
            )));
        }
    }
    if ($operation['upload'] === 'csv') {
        return array('ok' => true, 'raw' => array('type' => 'text/csv; charset=utf-8', 'body' => file_get_contents($files[0]['tmp'])));
    }
    // Built by hand: curl's array form cannot repeat a field name, and the bridge reads every
    // `file` field. The whole upload is in memory at most once (post_max_size bounds it).
    $boundary = '----CommitmentForecaster' . bin2hex(random_bytes(16));
    $body = '';
    foreach ($files as $file) {
        $body .= '--' . $boundary . "\r\n"
            . 'Content-Disposition: form-data; name="file"; filename="' . multipart_name($file['name']) . "\"\r\n"
            . "Content-Type: application/octet-stream\r\n\r\n"
            . file_get_contents($file['tmp']) . "\r\n";
    }
    $body .= '--' . $boundary . "--\r\n";
    return array('ok' => true, 'raw' => array('type' => 'multipart/form-data; boundary=' . $boundary, 'body' => $body));
}

/**
 * A successful file answer as array(status, bytes, type, disposition), or null when the answer is
 * not one (an error, which stays the bridge's JSON or a proxy error).
 */
function file_answer(array $settings, array $answer)
{
    if ($answer[0] < 200 || $answer[0] > 299) {
        return null;
    }
    $type = strtolower(trim(explode(';', $answer[2])[0]));
    if (!in_array($type, answer_types(), true)) {
        return null;
    }
    $body = $answer[1];
    if ($type === 'text/csv' && strlen($settings['bridgeToken']) >= 8) {
        $body = str_replace($settings['bridgeToken'], '[redacted]', $body);
    }
    // Always a download, never shown inline; the name is the bridge's (it strips paths and quotes).
    $disposition = stripos($answer[3], 'attachment') === 0 ? $answer[3] : 'attachment';
    return array($answer[0], $body, $type === 'text/csv' ? 'text/csv; charset=utf-8' : $type, $disposition);
}

/** Answers a file and ends the request. */
function send_file(array $file)
{
    list($status, $body, $type, $disposition) = $file;
    if (!headers_sent()) {
        http_response_code($status);
        header('Content-Type: ' . $type);
        header('Content-Disposition: ' . $disposition);
        header('Content-Length: ' . strlen($body));
        header('Cache-Control: no-store');
        header('X-Content-Type-Options: nosniff');
    }
    echo $body;
    exit;
}
