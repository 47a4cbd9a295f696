<?php
// Router for `php -S -t SITE`: the site folder holds the test wp-config.php and links into
// Debian's /usr/share/wordpress. WordPress's files find wp-config.php through ABSPATH, which
// PHP would otherwise set to /usr/share/wordpress/ (it resolves links), so define it here.
// Static files are served as they are; PHP files run with ABSPATH set; every other path goes
// to index.php, as Apache's rewrite rules would, so /wp-json/ routes work.
define('ABSPATH', rtrim($_SERVER['DOCUMENT_ROOT'], '/') . '/');
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$file = ABSPATH . ltrim($path, '/');
if (is_dir($file) && is_file(rtrim($file, '/') . '/index.php')) {
    $path = rtrim($path, '/') . '/index.php';
    $file = ABSPATH . ltrim($path, '/');
}
if (is_file($file) && substr($file, -4) !== '.php') {
    return false;
}
if (!is_file($file)) {
    $path = '/index.php';
    $file = ABSPATH . 'index.php';
}
$_SERVER['SCRIPT_NAME'] = $path;
$_SERVER['PHP_SELF'] = $path;
$_SERVER['SCRIPT_FILENAME'] = $file;
chdir(dirname($file));
require $file;
