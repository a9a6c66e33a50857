;;; test.el --- real-editor test: Emacs + eglot against the LayerLint server  -*- lexical-binding: t -*-
;; Emacs 28 (batch, -Q) with Debian's eglot 1.9 runs the bundled language server over stdio on
;; examples/mobilenet_v1_conv.layers, waits (polling, with a deadline) for 13 separable-conv
;; flymake diagnostics, and checks the hover on conv2.  Exits 0 on success, 1 on any failure.
;; Run from the repo root (test/editors/run.mjs does):  emacs -Q --batch -l test/editors/emacs/test.el
;; Environment: LAYERLINT_NODE (default "node"), LAYERLINT_SERVER (default dist/server.js).

(dolist (d (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path d))
(require 'eglot)
(require 'flymake)
(require 'cl-lib)

(defconst layerlint-test-timeout 20.0 "Seconds to wait for anything.")

(define-derived-mode layers-mode prog-mode "Layers" "Major mode for .layers files (test only).")

(defun layerlint-test-say (fmt &rest args)
  (princ (concat "emacs: " (apply #'format fmt args) "\n")))

(defun layerlint-test-wait (what pred)
  "Poll PRED while serving process output until it is non-nil; error naming WHAT after the timeout."
  (let ((deadline (+ (float-time) layerlint-test-timeout)) v)
    (while (and (not (setq v (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05)
      (flymake-start))
    (or v (error "Timed out after %ss waiting for %s" layerlint-test-timeout what))))

(defun layerlint-test-separable ()
  "The separable-conv flymake diagnostics in the current buffer."
  (cl-remove-if-not
   (lambda (d)
     (let ((lsp (alist-get 'eglot-lsp-diag (flymake-diagnostic-data d))))
       (equal (plist-get lsp :code) "separable-conv")))
   (flymake-diagnostics)))

(defun layerlint-test-main ()
  (let* ((root (expand-file-name default-directory))
         (file (expand-file-name "examples/mobilenet_v1_conv.layers" root))
         (node (or (getenv "LAYERLINT_NODE") "node"))
         (server (or (getenv "LAYERLINT_SERVER") (expand-file-name "dist/server.js" root)))
         (t0 (float-time)))
    ;; eglot manages buffers whose (project-current) equals its project: make that the repo root
    ;; as a transient project, whatever VC says.
    (setq project-find-functions (list (lambda (_dir) (cons 'transient root))))
    (find-file file)
    (layers-mode)
    (eglot '(layers-mode) (cons 'transient root) 'eglot-lsp-server (list node server "--stdio") "layerspec")
    (layerlint-test-wait "eglot to manage the buffer" #'eglot-managed-p)
    (let ((n (length (layerlint-test-wait "13 separable-conv diagnostics"
                                          (lambda () (let ((s (layerlint-test-separable))) (and (= (length s) 13) s)))))))
      (layerlint-test-say "ok %d separable-conv diagnostics (%d ms)" n (round (* 1000 (- (float-time) t0)))))
    (goto-char (point-min))
    (re-search-forward "^conv2:[ \t]*conv 64")
    (goto-char (+ (match-beginning 0) (length "conv2:  ") 2))
    (let* ((hover (jsonrpc-request (eglot--current-server-or-lose) :textDocument/hover
                                   (eglot--TextDocumentPositionParams) :timeout layerlint-test-timeout))
           (contents (plist-get hover :contents))
           (text (if (stringp contents) contents (or (plist-get contents :value) (format "%S" contents)))))
      (unless (string-match-p (regexp-quote "231,211,008") text)
        (error "Hover on conv2 lacks 231,211,008: %s" text))
      (layerlint-test-say "ok hover on conv2 contains 231,211,008"))
    (let ((eglot-autoshutdown nil))
      (ignore-errors (eglot-shutdown (eglot--current-server-or-lose))))))

(condition-case err
    (progn
      (layerlint-test-main)
      (layerlint-test-say "passed")
      (kill-emacs 0))
  (error
   (layerlint-test-say "FAILED: %s" (error-message-string err))
   (kill-emacs 1)))

;;; test.el ends here
