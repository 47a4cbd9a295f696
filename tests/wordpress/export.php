<?php
// php export.php SITE_DIR URL: print the site's WordPress export (WXR), as Tools > Export does.
define('ABSPATH', rtrim($argv[1], '/') . '/');
$parts = parse_url($argv[2]);
$_SERVER['HTTP_HOST'] = $parts['host'] . ':' . $parts['port'];
$_SERVER['REQUEST_URI'] = '/';
require ABSPATH . 'wp-load.php';
require_once ABSPATH . 'wp-admin/includes/export.php';
wp_set_current_user(get_user_by('login', 'ana')->ID);
// export_wp() sends download headers; on the command line they are ignored.
export_wp(array('content' => 'all'));
